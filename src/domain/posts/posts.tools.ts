import { Payload } from '@nestjs/microservices';
import { McpController, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { annotations, idempotencyKeyParam, idParam } from '../../mcp/tool-params';
import {
  clearableContentParams,
  contentListParams,
  contentParams,
  expectedVersionParam,
  targetIdsParam,
} from './content-params';
import { createdPostOutput, postOutput, postPageOutput, postStatusOutput } from './dto/post.response';
import { PostCreationService } from './post-creation.service';
import { POST_STATUSES } from './post-status';
import { PostsService } from './posts.service';

const createPostParams = z
  .object({
    text: contentParams.text.optional(),
    title: contentParams.title.optional(),
    link: contentParams.link.optional(),
    variants: contentParams.variants.optional(),
    media_ids: contentParams.media_ids.optional(),
    social_account_ids: targetIdsParam(1),
    campaign_id: contentParams.campaign_id.optional(),
    idempotency_key: idempotencyKeyParam.optional(),
  })
  .strict();

const createFromDraftParams = z
  .object({
    draft_id: idParam('draft'),
    social_account_ids: targetIdsParam(1)
      .describe('Optional: the accounts to post to instead of the draft’s own (1–50).')
      .optional(),
    idempotency_key: idempotencyKeyParam.optional(),
  })
  .strict();

const postIdParams = z.object({ post_id: idParam('post') }).strict();

const listPostsParams = z
  .object({
    ...contentListParams,
    status: z
      .enum(POST_STATUSES)
      .optional()
      .describe(`Only posts in this status: ${POST_STATUSES.join(', ')}.`),
    trashed: z
      .boolean()
      .optional()
      .describe('true lists the trash (deleted posts, restorable until restorable_until) instead of live posts.'),
  })
  .strict();

const updatePostParams = z
  .object({
    post_id: idParam('post'),
    text: contentParams.text.optional(),
    title: clearableContentParams.title.optional(),
    link: clearableContentParams.link.optional(),
    variants: contentParams.variants.describe('Replaces all variants; {} removes them.').optional(),
    media_ids: contentParams.media_ids.describe('Replaces the media list; [] removes all media.').optional(),
    social_account_ids: targetIdsParam(1).describe('Replaces the targets (1–50 social account ids).').optional(),
    campaign_id: clearableContentParams.campaign_id.optional(),
    expected_version: expectedVersionParam.optional(),
  })
  .strict();

@McpController()
export class PostsTools {
  constructor(
    private readonly posts: PostsService,
    private readonly creation: PostCreationService,
  ) {}

  @Tool({
    name: 'create_post',
    description:
      'Create a post for 1–50 social accounts (social_account_ids from list_social_accounts): text, optional title, ' +
      'link, per-platform variants, media from the library, campaign. The post is saved with status ready. Creating ' +
      'NEVER publishes or schedules anything; that needs a separate, explicitly permitted step. Check platform limits ' +
      'first with validate_post. Errors: not_found when an account, media or campaign id is not in this workspace; ' +
      'validation_failed names each bad field; idempotency_conflict when idempotency_key was used for other arguments.',
    parameters: createPostParams,
    outputSchema: createdPostOutput,
    annotations: { title: 'Create post', ...annotations.create },
  })
  @RequireScopes('posts:create')
  async createPost(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof createPostParams>) {
    return this.creation.create(actor, args);
  }

  @Tool({
    name: 'create_post_from_draft',
    description:
      'Make a post from a draft: copies its text, title, link, variants, media and campaign, and targets the draft’s ' +
      'social accounts unless social_account_ids is given. Records draft_id; the draft itself is left unchanged. ' +
      'The post is ready: this NEVER publishes or schedules. Errors: not_found for a draft (or account, media, ' +
      'campaign) not in this workspace; validation_failed when neither the draft nor the call names an account.',
    parameters: createFromDraftParams,
    outputSchema: createdPostOutput,
    annotations: { title: 'Create post from draft', ...annotations.create },
  })
  @RequireScopes('posts:create', 'drafts:read')
  async createPostFromDraft(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof createFromDraftParams>) {
    return this.creation.createFromDraft(actor, args);
  }

  @Tool({
    name: 'get_post',
    description:
      'Get one post: content, variants, media ids, campaign, the draft it came from, status, version, and its targets ' +
      '(social account id, platform, status). A post in the trash, or of another workspace, is not_found. Read-only.',
    parameters: postIdParams,
    outputSchema: postOutput,
    annotations: { title: 'Get post', ...annotations.read },
  })
  @RequireScopes('posts:read')
  async getPost(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof postIdParams>) {
    return this.posts.read(actor, args.post_id);
  }

  @Tool({
    name: 'list_posts',
    description:
      'List posts, newest first, filtered by status, campaign, target platform or creation time [created_after, ' +
      'created_before) (ISO 8601 with offset). trashed: true lists the trash instead. Paginated: pass next_cursor ' +
      'back as cursor. Read-only.',
    parameters: listPostsParams,
    outputSchema: postPageOutput,
    annotations: { title: 'List posts', ...annotations.read },
  })
  @RequireScopes('posts:read')
  async listPosts(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof listPostsParams>) {
    return this.posts.list(actor, args);
  }

  @Tool({
    name: 'update_post',
    description:
      'Change a post’s content, targets or campaign: only the fields you pass change (null removes title, link or ' +
      'campaign; variants, media_ids and social_account_ids are replaced whole). Bumps version; with ' +
      'expected_version, a post changed since is refused with conflict. Refused with post_not_editable while the ' +
      'post is scheduled (cancel_post first), publishing, published or its outcome is unknown (create a new post ' +
      'instead). Never publishes.',
    parameters: updatePostParams,
    outputSchema: postOutput,
    annotations: { title: 'Update post', ...annotations.versionedUpdate },
  })
  @RequireScopes('posts:update')
  async updatePost(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof updatePostParams>) {
    const { post_id: id, ...changes } = args;
    return this.posts.update(actor, id, changes);
  }

  @Tool({
    name: 'get_post_status',
    description:
      'Where a post stands: its status and each target’s status (social account, platform, last change time). ' +
      'Publishing progress appears here as targets move from ready through scheduled and publishing to published ' +
      'or failed. A new post is ready: nothing is scheduled or sent. Read-only.',
    parameters: postIdParams,
    outputSchema: postStatusOutput,
    annotations: { title: 'Get post status', ...annotations.read },
  })
  @RequireScopes('posts:status:read')
  async getPostStatus(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof postIdParams>) {
    return this.posts.status(actor, args.post_id);
  }
}
