import { McpController, Resource } from '@rekog/mcp-nest';
import { workspaceOf, type Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { jsonResource } from '../../mcp/json-resource';
import { toWorkspaceResponse } from './dto/workspace.response';
import { WorkspacesService } from './workspaces.service';

const URI = 'postern://workspace';

@McpController()
export class WorkspaceResource {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Resource({
    uri: URI,
    name: 'workspace',
    description:
      'The workspace this connection acts in, as get_workspace returns it: time zone (how schedule times and ' +
      'campaign dates are read), draft-first policy and approval policy (which actions are refused to you for needing a person).',
    mimeType: 'application/json',
  })
  @RequireScopes('workspace:read')
  async read(@CurrentActor() actor: Actor) {
    return jsonResource(URI, toWorkspaceResponse(await this.workspaces.get(actor, workspaceOf(actor))));
  }
}
