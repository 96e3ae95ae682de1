import { Payload } from '@nestjs/microservices';
import { McpController, ResourceTemplate } from '@rekog/mcp-nest';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { jsonResource } from '../../mcp/json-resource';
import { toSocialAccountResponse } from './dto/social-account.response';
import { SocialAccountsService } from './social-accounts.service';

@McpController()
export class SocialAccountResource {
  constructor(private readonly accounts: SocialAccountsService) {}

  @ResourceTemplate({
    uriTemplate: 'postern://social-accounts/{id}',
    name: 'social-account',
    description:
      'One social account of this workspace, as get_social_account returns it (metadata only; grants no posting). ' +
      'An id from another workspace is not_found, like a missing one.',
    mimeType: 'application/json',
  })
  @RequireScopes('social_accounts:read')
  async read(@CurrentActor() actor: Actor, @Payload() params: { uri: string; id: string }) {
    return jsonResource(params.uri, toSocialAccountResponse(await this.accounts.get(actor, params.id)));
  }
}
