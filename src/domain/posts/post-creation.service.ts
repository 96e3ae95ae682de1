import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorOf, workspaceOf, type Actor } from '../../access/actor';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError } from '../../common/app-error';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { DraftsService } from '../drafts/drafts.service';
import {
  checkIds,
  CONTENT_LIMITS,
  ContentProblems,
  newContent,
  normaliseContent,
  type ContentInput,
  type NormalisedContent,
} from './content-input';
import { ContentReferences } from '../drafts/content-references.service';
import { toPostResponse, type PostResponse } from './dto/post.response';
import { PostTargetEntity } from './post-target.entity';
import { PostEntity } from './post.entity';
import { PostsRepository } from './posts.repository';

export interface CreatePostInput extends ContentInput {
  social_account_ids: string[];
  idempotency_key?: string;
}

export interface CreatePostFromDraftInput {
  draft_id: string;
  /** Replaces the draft's own accounts as the post's targets. */
  social_account_ids?: string[];
  idempotency_key?: string;
}

/** Everything a new post holds, checked and normalised. */
interface NewPost extends Required<NormalisedContent> {
  draftId: string | null;
  accountIds: string[];
}

export type CreatedPost = PostResponse & { replayed: boolean };

/**
 * Creating posts, from scratch or from a draft. A new post is `ready` with one `ready` target per
 * account: creating never schedules or publishes anything.
 */
@Injectable()
export class PostCreationService {
  constructor(
    private readonly repository: PostsRepository,
    private readonly audited: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly drafts: DraftsService,
    private readonly refs: ContentReferences,
  ) {}

  async create(actor: Actor, input: CreatePostInput): Promise<CreatedPost> {
    const workspaceId = workspaceOf(actor);
    const { idempotency_key: key, ...payload } = input;
    const problems = new ContentProblems();
    const fields = normaliseContent(payload, problems);
    const accountIds = this.targetIds(payload.social_account_ids, problems, true);
    problems.throwIfAny();
    return this.audited.run((m) =>
      this.idempotency.run(m, actor, workspaceId, { operation: 'create_post', key, payload }, () =>
        this.insert(m, actor, workspaceId, {
          ...newContent(fields),
          draftId: null,
          accountIds: accountIds ?? [],
        }),
      ),
    );
  }

  /** Copies the draft's content into a new post and records where it came from; the draft stays as it is. */
  async createFromDraft(actor: Actor, input: CreatePostFromDraftInput): Promise<CreatedPost> {
    const workspaceId = workspaceOf(actor);
    const { idempotency_key: key, ...payload } = input;
    const problems = new ContentProblems();
    const override = this.targetIds(payload.social_account_ids, problems, false);
    problems.throwIfAny();
    return this.audited.run((m) =>
      this.idempotency.run(m, actor, workspaceId, { operation: 'create_post_from_draft', key, payload }, async () => {
        const draft = await this.drafts.requireForCopy(m, workspaceId, payload.draft_id);
        const accountIds = override ?? draft.socialAccountIds;
        if (!accountIds.length) {
          throw new AppError(
            'validation_failed',
            'the draft names no social accounts: pass social_account_ids to say where the post goes',
            [{ field: 'social_account_ids', issue: 'required because the draft has none' }],
          );
        }
        return this.insert(m, actor, workspaceId, {
          text: draft.text,
          title: draft.title,
          link: draft.link,
          variants: draft.variants,
          mediaIds: draft.mediaIds,
          campaignId: draft.campaignId,
          draftId: draft.id,
          accountIds,
        });
      }),
    );
  }

  private targetIds(ids: unknown, problems: ContentProblems, required: boolean): string[] | undefined {
    if (ids === undefined && !required) return undefined;
    if (ids === undefined) return problems.add('social_account_ids', 'is required: name 1 to 50 social accounts');
    return checkIds(ids, 'social_account_ids', { min: 1, max: CONTENT_LIMITS.targets }, problems);
  }

  private async insert(m: EntityManager, actor: Actor, workspaceId: string, p: NewPost): Promise<PostResponse> {
    await this.refs.require(m, workspaceId, {
      campaignId: p.campaignId,
      mediaIds: p.mediaIds,
      accountIds: p.accountIds,
    });
    const author = authorOf(actor);
    const post = await m.save(
      m.create(PostEntity, {
        workspaceId,
        text: p.text,
        title: p.title,
        link: p.link,
        variants: p.variants,
        mediaIds: p.mediaIds,
        campaignId: p.campaignId,
        draftId: p.draftId,
        status: 'ready',
        version: 1,
        createdByUserId: author.userId,
        createdByClientId: author.clientId,
        createdByKeyId: author.keyId,
      }),
    );
    await m.insert(
      PostTargetEntity,
      p.accountIds.map((socialAccountId) => ({
        workspaceId,
        postId: post.id,
        socialAccountId,
        status: 'ready' as const,
      })),
    );
    const targets = await this.repository.targetsOf(workspaceId, [post.id], m);
    return toPostResponse(post, targets.get(post.id) ?? []);
  }
}
