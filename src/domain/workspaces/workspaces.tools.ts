import { Payload } from '@nestjs/microservices';
import { McpController, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { toWorkspaceResponse, workspaceOutput } from './dto/workspace.response';
import { WorkspacesService } from './workspaces.service';

const getWorkspaceParams = z
  .object({
    workspace_id: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9-]+$/)
      .describe('The workspace id (UUID) or slug, as returned by list_workspaces.'),
  })
  .strict();

@McpController()
export class WorkspacesTools {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Tool({
    name: 'list_workspaces',
    description:
      'List the workspaces this connection may act in, with their time zone and draft-first policy. ' +
      'Call this first to learn which workspace you are working in; a connection is usually bound to exactly one. Read-only.',
    parameters: z.object({}).strict(),
    outputSchema: z.object({ items: z.array(workspaceOutput) }),
    annotations: {
      title: 'List workspaces',
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  })
  @RequireScopes('workspace:list')
  async listWorkspaces(@CurrentActor() actor: Actor) {
    return { items: (await this.workspaces.list(actor)).map(toWorkspaceResponse) };
  }

  @Tool({
    name: 'get_workspace',
    description:
      'Get one workspace by id or slug: name, plan, time zone (used to interpret schedule times), whether agent ' +
      'connections are limited to drafts, and which actions are refused to you for needing a person. A workspace you cannot access is reported as not_found. Read-only.',
    parameters: getWorkspaceParams,
    outputSchema: workspaceOutput,
    annotations: {
      title: 'Get workspace',
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  })
  @RequireScopes('workspace:read')
  async getWorkspace(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof getWorkspaceParams>) {
    return toWorkspaceResponse(await this.workspaces.get(actor, args.workspace_id));
  }
}
