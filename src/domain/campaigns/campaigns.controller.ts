import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { RequiresApproval } from '../../access/requires-approval.decorator';
import {
  IDEMPOTENCY_KEY_HEADER_DOC,
  IdempotencyKeyHeader,
  IdParam,
  replayAware,
} from '../../common/rest-params.decorator';
import { CampaignsService } from './campaigns.service';
import {
  CampaignDetailResponse,
  CampaignPageResponse,
  CampaignResponse,
  CreatedCampaignResponse,
  DeletedCampaignResponse,
  toCampaignResponse,
} from './dto/campaign.response';
import { CreateCampaignDto } from './dto/create-campaign.dto';
import { ListCampaignsDto } from './dto/list-campaigns.dto';
import { UpdateCampaignDto } from './dto/update-campaign.dto';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @RequireScopes('campaigns:create')
  @ApiOperation({
    summary: 'Create a campaign',
    description:
      'Publishes and schedules nothing. With an Idempotency-Key, a repeat of the same request answers the first ' +
      'campaign with 200 and replayed: true; the same key with a different body answers 409 idempotency_conflict.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: CreatedCampaignResponse })
  @ApiOkResponse({ type: CreatedCampaignResponse, description: 'An idempotent replay.' })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateCampaignDto,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedCampaignResponse> {
    return replayAware(res, await this.campaigns.create(actor, { ...body }, key));
  }

  @Get()
  @RequireScopes('campaigns:read')
  @ApiOperation({
    summary: 'List campaigns',
    description:
      'Newest first. Filter by status, tag, and dates: active_on, or from/to for campaigns overlapping that range ' +
      '(undated campaigns never match a date filter). Pass next_cursor as cursor for the next page.',
  })
  @ApiOkResponse({ type: CampaignPageResponse })
  async list(@CurrentActor() actor: Actor, @Query() query: ListCampaignsDto): Promise<CampaignPageResponse> {
    const page = await this.campaigns.list(actor, query);
    return { items: page.items.map(toCampaignResponse), next_cursor: page.next_cursor };
  }

  @Get(':id')
  @RequireScopes('campaigns:read')
  @ApiOperation({
    summary: 'Get a campaign with counts of its posts, drafts and media',
    description: 'A campaign of another workspace, or a deleted one, answers 404 like one that does not exist.',
  })
  @ApiOkResponse({ type: CampaignDetailResponse })
  get(@CurrentActor() actor: Actor, @IdParam('campaign') id: string): Promise<CampaignDetailResponse> {
    return this.campaigns.get(actor, id);
  }

  @Patch(':id')
  @RequireScopes('campaigns:update')
  @ApiOperation({
    summary: 'Change a campaign',
    description: 'Fields left out stay; null clears goal or a date. ends_on before starts_on (after merging) is a 400.',
  })
  @ApiOkResponse({ type: CampaignResponse })
  async update(
    @CurrentActor() actor: Actor,
    @IdParam('campaign') id: string,
    @Body() body: UpdateCampaignDto,
  ): Promise<CampaignResponse> {
    return toCampaignResponse(await this.campaigns.update(actor, id, { ...body }));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('campaigns:delete')
  @RequiresApproval({ action: 'delete', reason: 'deletes campaigns' })
  @ApiOperation({
    summary: 'Delete a campaign (soft)',
    description: 'It disappears from reads and cannot be assigned; content already assigned is left as it is.',
  })
  @ApiOkResponse({ type: DeletedCampaignResponse })
  async remove(@CurrentActor() actor: Actor, @IdParam('campaign') id: string): Promise<DeletedCampaignResponse> {
    const deleted = await this.campaigns.delete(actor, id);
    return { ...toCampaignResponse(deleted), deleted_at: deleted.deletedAt.toISOString() };
  }
}
