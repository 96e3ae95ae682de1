import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { toWorkspaceResponse, WorkspaceResponse } from './dto/workspace.response';
import { WorkspacesService } from './workspaces.service';

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('api/v1/workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Get()
  @RequireScopes('workspace:list')
  @ApiOperation({
    summary: 'List the workspaces this credential may work in',
    description: 'An API key sees exactly its own workspace.',
  })
  @ApiOkResponse({ type: [WorkspaceResponse] })
  async list(@CurrentActor() actor: Actor): Promise<{ items: WorkspaceResponse[] }> {
    return { items: (await this.workspaces.list(actor)).map(toWorkspaceResponse) };
  }

  @Get(':idOrSlug')
  @RequireScopes('workspace:read')
  @ApiOperation({
    summary: 'Get one workspace by id or slug',
    description: 'A workspace you cannot see answers 404, like one that does not exist.',
  })
  @ApiOkResponse({ type: WorkspaceResponse })
  async get(@CurrentActor() actor: Actor, @Param('idOrSlug') idOrSlug: string): Promise<WorkspaceResponse> {
    return toWorkspaceResponse(await this.workspaces.get(actor, idOrSlug));
  }
}
