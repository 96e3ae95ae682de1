import { Payload } from '@nestjs/microservices';
import { McpController, ResourceTemplate } from '@rekog/mcp-nest';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { jsonResource } from '../../mcp/json-resource';
import { CampaignsService } from './campaigns.service';

@McpController()
export class CampaignResource {
  constructor(private readonly campaigns: CampaignsService) {}

  @ResourceTemplate({
    uriTemplate: 'postern://campaigns/{id}',
    name: 'campaign',
    description:
      'One campaign of this workspace with counts of its posts, drafts and media, as get_campaign returns it. ' +
      'An id from another workspace, or of a deleted campaign, is not_found like a missing one.',
    mimeType: 'application/json',
  })
  @RequireScopes('campaigns:read')
  async read(@CurrentActor() actor: Actor, @Payload() params: { uri: string; id: string }) {
    return jsonResource(params.uri, await this.campaigns.get(actor, params.id));
  }
}
