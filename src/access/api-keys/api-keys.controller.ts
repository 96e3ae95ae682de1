import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { workspaceOf, type Actor } from '../actor';
import { CurrentActor } from '../current-actor.decorator';
import { ADMINISTRATION, ADMINISTRATION_RULE } from '../administration';
import { RequireRole } from '../require-role.decorator';
import { RequireScopes } from '../require-scopes.decorator';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyPageResponse, ApiKeyResponse, CreatedApiKeyResponse, toApiKeyResponse } from './dto/api-key.response';
import { ListApiKeysQueryDto } from './dto/list-api-keys.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

/** Keys of the caller's own workspace. Admins only; nobody can grant scopes they do not hold. */
@ApiTags('access')
@ApiBearerAuth()
@Controller('api/v1/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @RequireScopes()
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Create an API key (admins)',
    description:
      'The secret is in this response only. Scopes may name bundles; none may be beyond the scopes of the credential creating the key. ' +
      'Only a key created with audit_access: true reads the audit trail; an admin or owner sets it, and a key only if it has it.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponse> {
    const { key, token } = await this.keys.create(actor, {
      workspaceId: workspaceOf(actor),
      name: body.name,
      scopes: body.scopes,
      toolAllowlist: body.tools,
      auditAccess: body.audit_access,
      expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
      createdByUserId: actor.userId,
    });
    return { ...toApiKeyResponse(key), secret: token };
  }

  @Get()
  @RequireScopes(...ADMINISTRATION)
  @ApiOperation({
    summary: 'List API keys (admins)',
    description: `Newest first; pass next_cursor back as cursor for the next page. Never includes secrets. ${ADMINISTRATION_RULE}`,
  })
  @ApiOkResponse({ type: ApiKeyPageResponse })
  async list(@CurrentActor() actor: Actor, @Query() query: ListApiKeysQueryDto): Promise<ApiKeyPageResponse> {
    const page = await this.keys.list(workspaceOf(actor), query);
    return { items: page.items.map(toApiKeyResponse), next_cursor: page.next_cursor };
  }

  @Delete(':keyId')
  @HttpCode(200)
  @RequireScopes()
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Revoke an API key (admins)',
    description:
      'By id or pst_… prefix. Takes effect on the key’s next call. The credential must hold every scope of the key it revokes.',
  })
  @ApiOkResponse({ type: ApiKeyResponse })
  async revoke(@CurrentActor() actor: Actor, @Param('keyId') keyId: string): Promise<ApiKeyResponse> {
    return toApiKeyResponse(await this.keys.revoke(actor, workspaceOf(actor), keyId));
  }
}
