import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { ScopesForArguments } from '../../access/scopes-for-arguments.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { RequiresApproval } from '../../access/requires-approval.decorator';
import { CreatePostDto, CreatePostFromDraftDto } from './dto/create-post.dto';
import { ListPostsQueryDto } from './dto/list-posts.dto';
import { PostValidationResponse } from './dto/post-validation.response';
import { CreatedPostResponse, PostPageResponse, PostResponse, PostStatusResponse } from './dto/post.response';
import { ExpectedVersionDto, SchedulePostDto } from './dto/publishing.dto';
import { UpdatePostDto } from './dto/update-post.dto';
import { ValidatePostDto } from './dto/validate-post.dto';
import { PostCreationService } from './post-creation.service';
import { PostTrashService } from './post-trash.service';
import { PostValidationService } from './post-validation.service';
import { PostsService } from './posts.service';
import { PostSchedulingService } from './publishing/post-scheduling.service';
import {
  IDEMPOTENCY_KEY_HEADER_DOC,
  IdempotencyKeyHeader,
  IdParam,
  replayAware,
} from '../../common/rest-params.decorator';

/** Posts over REST: the same services, scopes and rules as the post tools. */
@ApiTags('posts')
@ApiBearerAuth()
@Controller('api/v1/posts')
export class PostsController {
  constructor(
    private readonly posts: PostsService,
    private readonly creation: PostCreationService,
    private readonly trash: PostTrashService,
    private readonly validation: PostValidationService,
    private readonly scheduling: PostSchedulingService,
  ) {}

  @Post()
  @RequireScopes('posts:create')
  @ApiOperation({
    summary: 'Create a post',
    description:
      'Saved with status ready and one ready target per social account. Creating never publishes or schedules. ' +
      'Answers 201, or 200 when an Idempotency-Key replays.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: CreatedPostResponse })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreatePostDto,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedPostResponse> {
    return replayAware(res, await this.creation.create(actor, { ...body, idempotency_key: key }));
  }

  @Post('from-draft')
  @RequireScopes('posts:create', 'drafts:read')
  @ApiOperation({
    summary: 'Create a post from a draft',
    description:
      'Copies the draft’s content, records draft_id and leaves the draft unchanged. Never publishes or schedules. ' +
      'Answers 201, or 200 when an Idempotency-Key replays.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: CreatedPostResponse })
  async createFromDraft(
    @CurrentActor() actor: Actor,
    @Body() body: CreatePostFromDraftDto,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedPostResponse> {
    return replayAware(res, await this.creation.createFromDraft(actor, { ...body, idempotency_key: key }));
  }

  @Post('validate')
  @HttpCode(200)
  @RequireScopes('posts:read')
  @ScopesForArguments({ draft_id: ['drafts:read'] })
  @ApiOperation({
    summary: 'Validate a post against platform rules (dry run)',
    description:
      'Exactly one of post_id, draft_id (needs drafts:read too) or the content; targets from platforms and/or ' +
      'social_account_ids. Writes nothing.',
  })
  @ApiOkResponse({ type: PostValidationResponse })
  validate(@CurrentActor() actor: Actor, @Body() body: ValidatePostDto): Promise<PostValidationResponse> {
    return this.validation.validate(actor, body);
  }

  @Get()
  @RequireScopes('posts:read')
  @ApiOperation({
    summary: 'List posts',
    description:
      'Newest first, cursor-paginated; filter by status, campaign, target platform and creation time [after, ' +
      'before). trashed=true lists the trash.',
  })
  @ApiOkResponse({ type: PostPageResponse })
  list(@CurrentActor() actor: Actor, @Query() query: ListPostsQueryDto): Promise<PostPageResponse> {
    return this.posts.list(actor, query);
  }

  @Get(':id')
  @RequireScopes('posts:read')
  @ApiOperation({ summary: 'Get a post', description: 'A trashed post or one of another workspace answers 404.' })
  @ApiOkResponse({ type: PostResponse })
  get(@CurrentActor() actor: Actor, @IdParam('post') id: string): Promise<PostResponse> {
    return this.posts.read(actor, id);
  }

  @Get(':id/status')
  @RequireScopes('posts:status:read')
  @ApiOperation({
    summary: 'Get a post’s publishing status',
    description: 'The post’s status and each target’s; publishing progress appears here.',
  })
  @ApiOkResponse({ type: PostStatusResponse })
  status(@CurrentActor() actor: Actor, @IdParam('post') id: string): Promise<PostStatusResponse> {
    return this.posts.status(actor, id);
  }

  @Patch(':id')
  @RequireScopes('posts:update')
  @ApiOperation({
    summary: 'Update a post',
    description:
      'Only the fields sent change; bumps version. 409 conflict on an expected_version mismatch; 409 ' +
      'post_not_editable while scheduled (cancel it first), publishing, published or unknown.',
  })
  @ApiOkResponse({ type: PostResponse })
  update(
    @CurrentActor() actor: Actor,
    @IdParam('post') id: string,
    @Body() body: UpdatePostDto,
  ): Promise<PostResponse> {
    return this.posts.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('posts:delete')
  @RequiresApproval({ action: 'delete', reason: 'deletes posts (restorable from the trash)' })
  @ApiOperation({
    summary: 'Move a post to the trash',
    description: 'Restorable for 30 days (restorable_until), then purged. Removes nothing from the networks.',
  })
  @ApiOkResponse({ type: PostResponse })
  delete(@CurrentActor() actor: Actor, @IdParam('post') id: string): Promise<PostResponse> {
    return this.trash.delete(actor, id);
  }

  @Post(':id/restore')
  @HttpCode(200)
  @RequireScopes('posts:update')
  @ApiOperation({
    summary: 'Restore a post from the trash',
    description: '409 not_restorable when the post is not in the trash or was trashed more than 30 days ago.',
  })
  @ApiOkResponse({ type: PostResponse })
  restore(@CurrentActor() actor: Actor, @IdParam('post') id: string): Promise<PostResponse> {
    return this.trash.restore(actor, id);
  }

  @Post(':id/schedule')
  @RequireScopes('posts:schedule')
  @RequiresApproval({ action: 'schedule', reason: 'schedules a post to go out on social networks' })
  @ApiOperation({
    summary: 'Schedule a post',
    description:
      'Checks the platform rules (422 rules_violated) and every target account (422 target_unavailable), then sets ' +
      'status scheduled for publish_at. 409 post_not_schedulable unless the post is ready, scheduled or cancelled. ' +
      '403 approval_required when the workspace policy reserves scheduling for a person. Answers 201, or 200 when ' +
      'an Idempotency-Key replays.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: CreatedPostResponse })
  async schedule(
    @CurrentActor() actor: Actor,
    @IdParam('post') id: string,
    @Body() body: SchedulePostDto,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedPostResponse> {
    return replayAware(res, await this.scheduling.schedule(actor, id, { ...body, idempotency_key: key }));
  }

  @Post(':id/publish')
  @RequireScopes('posts:publish')
  @RequiresApproval({ action: 'publish', reason: 'publishes a post on social networks' })
  @ApiOperation({
    summary: 'Publish a post now',
    description:
      'The same checks as scheduling, due now. Publishing runs in the background: follow it with GET ' +
      '/api/v1/posts/{id}/status until each target is published (external_url) or failed (error). Answers 201, or ' +
      '200 when an Idempotency-Key replays.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: CreatedPostResponse })
  async publish(
    @CurrentActor() actor: Actor,
    @IdParam('post') id: string,
    @Body() body: ExpectedVersionDto,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedPostResponse> {
    return replayAware(res, await this.scheduling.publishNow(actor, id, { ...body, idempotency_key: key }));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScopes('posts:schedule')
  @ApiOperation({
    summary: 'Cancel a scheduled post',
    description: '409 post_not_schedulable when it is not scheduled or a target has started publishing.',
  })
  @ApiOkResponse({ type: PostResponse })
  cancel(
    @CurrentActor() actor: Actor,
    @IdParam('post') id: string,
    @Body() body: ExpectedVersionDto,
  ): Promise<PostResponse> {
    return this.scheduling.cancel(actor, id, body.expected_version);
  }
}
