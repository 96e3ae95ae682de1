import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { RequiresApproval } from '../../access/requires-approval.decorator';
import { ContentListQueryDto } from '../posts/dto/content-list.dto';
import {
  IDEMPOTENCY_KEY_HEADER_DOC,
  IdempotencyKeyHeader,
  IdParam,
  replayAware,
} from '../../common/rest-params.decorator';
import { DraftsService } from './drafts.service';
import { CreateDraftDto } from './dto/create-draft.dto';
import { CreatedDraftResponse, DraftPageResponse, DraftResponse } from './dto/draft.response';
import { UpdateDraftDto } from './dto/update-draft.dto';

/** Drafts over REST: the same service, scopes and rules as the draft tools. */
@ApiTags('drafts')
@ApiBearerAuth()
@Controller('api/v1/drafts')
export class DraftsController {
  constructor(private readonly drafts: DraftsService) {}

  @Post()
  @RequireScopes('drafts:create')
  @ApiOperation({
    summary: 'Create a draft',
    description: 'A draft is never published or scheduled. Answers 201, or 200 when an Idempotency-Key replays.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: CreatedDraftResponse })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateDraftDto,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedDraftResponse> {
    return replayAware(res, await this.drafts.create(actor, { ...body, idempotency_key: key }));
  }

  @Get()
  @RequireScopes('drafts:read')
  @ApiOperation({
    summary: 'List drafts',
    description:
      'Newest first, cursor-paginated; filter by campaign, target platform and creation time [after, before).',
  })
  @ApiOkResponse({ type: DraftPageResponse })
  list(@CurrentActor() actor: Actor, @Query() query: ContentListQueryDto): Promise<DraftPageResponse> {
    return this.drafts.list(actor, query);
  }

  @Get(':id')
  @RequireScopes('drafts:read')
  @ApiOperation({ summary: 'Get a draft', description: 'A deleted draft or one of another workspace answers 404.' })
  @ApiOkResponse({ type: DraftResponse })
  get(@CurrentActor() actor: Actor, @IdParam('draft') id: string): Promise<DraftResponse> {
    return this.drafts.read(actor, id);
  }

  @Patch(':id')
  @RequireScopes('drafts:update')
  @ApiOperation({
    summary: 'Update a draft',
    description:
      'Only the fields sent change; null removes title, link, campaign_id or notes. Bumps version; with ' +
      'expected_version, a draft changed since answers 409 conflict.',
  })
  @ApiOkResponse({ type: DraftResponse })
  update(
    @CurrentActor() actor: Actor,
    @IdParam('draft') id: string,
    @Body() body: UpdateDraftDto,
  ): Promise<DraftResponse> {
    return this.drafts.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('drafts:delete')
  @RequiresApproval({ action: 'delete', reason: 'deletes drafts' })
  @ApiOperation({ summary: 'Delete a draft', description: 'Soft delete; posts made from it keep their content.' })
  @ApiOkResponse({ type: DraftResponse })
  delete(@CurrentActor() actor: Actor, @IdParam('draft') id: string): Promise<DraftResponse> {
    return this.drafts.delete(actor, id);
  }
}
