import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { workspaceOf, type Actor } from '../../access/actor';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError, notFound } from '../../common/app-error';
import type { Page } from '../../common/pagination';
import {
  applyContentChanges,
  checkIds,
  CONTENT_LIMITS,
  ContentProblems,
  listWindow,
  normaliseContent,
  requireSomeChange,
  requireVersion,
  type ContentInput,
  type ContentListFilter,
} from './content-input';
import { ContentReferences } from '../drafts/content-references.service';
import { isUuid } from '../../common/validation/uuid';
import { toPostResponse, toPostStatusResponse, type PostResponse, type PostStatusResponse } from './dto/post.response';
import { POST_STATUSES, type PostStatus } from './post-status';
import { PostTargetEntity } from './post-target.entity';
import { PostEntity } from './post.entity';
import { lockedStatus, postNotEditable } from './posts.errors';
import { PostsRepository } from './posts.repository';

export interface PostListFilter extends ContentListFilter {
  status?: PostStatus;
  /** True lists the trash instead of the live posts. */
  trashed?: boolean;
}

export interface UpdatePostInput extends ContentInput {
  social_account_ids?: string[];
  expected_version?: number;
}

const POST_FIELDS = ['text', 'title', 'link', 'variants', 'media_ids', 'social_account_ids', 'campaign_id'] as const;

/** Reading posts and changing their content. Creating is PostCreationService; the trash is PostTrashService. */
@Injectable()
export class PostsService {
  constructor(
    private readonly repository: PostsRepository,
    private readonly audited: AuditedTransactions,
    private readonly refs: ContentReferences,
  ) {}

  /** A live post of the actor's workspace; trashed, foreign and missing posts are all "not found". */
  async get(actor: Actor, id: string): Promise<PostEntity> {
    const post = await this.repository.findById(workspaceOf(actor), id);
    if (!post) throw notFound('post');
    return post;
  }

  async read(actor: Actor, id: string): Promise<PostResponse> {
    const post = await this.get(actor, id);
    const targets = await this.repository.targetsOf(post.workspaceId, [post.id]);
    return toPostResponse(post, targets.get(post.id) ?? []);
  }

  async status(actor: Actor, id: string): Promise<PostStatusResponse> {
    const post = await this.get(actor, id);
    const targets = await this.repository.targetsOf(post.workspaceId, [post.id]);
    return toPostStatusResponse(post, targets.get(post.id) ?? []);
  }

  async list(actor: Actor, filter: PostListFilter): Promise<Page<PostResponse>> {
    const workspaceId = workspaceOf(actor);
    const { after, before } = listWindow(filter);
    if (filter.status !== undefined && !POST_STATUSES.includes(filter.status)) {
      throw new AppError('validation_failed', `status must be one of ${POST_STATUSES.join(', ')}`, [
        { field: 'status', issue: 'unknown status' },
      ]);
    }
    const page = await this.repository.list(workspaceId, {
      status: filter.status,
      campaignId: filter.campaign_id,
      platform: filter.platform,
      after,
      before,
      trashed: filter.trashed,
      cursor: filter.cursor,
      limit: filter.limit,
    });
    const targets = await this.repository.targetsOf(
      workspaceId,
      page.items.map((p) => p.id),
    );
    return { items: page.items.map((p) => toPostResponse(p, targets.get(p.id) ?? [])), next_cursor: page.next_cursor };
  }

  /**
   * Changes the fields given and bumps the version. Refused while the post or any target is
   * publishing, published or unknown: that content is, or may be, on a network already.
   */
  async update(actor: Actor, id: string, input: UpdatePostInput): Promise<PostResponse> {
    const workspaceId = workspaceOf(actor);
    const { expected_version: expected, ...changes } = input;
    requireSomeChange(changes, POST_FIELDS);
    const problems = new ContentProblems();
    const fields = normaliseContent(changes, problems);
    const accountIds =
      changes.social_account_ids === undefined
        ? undefined
        : checkIds(changes.social_account_ids, 'social_account_ids', { min: 1, max: CONTENT_LIMITS.targets }, problems);
    problems.throwIfAny();
    if (!isUuid(id)) throw notFound('post');

    return this.audited.run(async (m) => {
      const post = await this.repository.lockForChange(m, workspaceId, id);
      const current = await m.find(PostTargetEntity, { where: { workspaceId, postId: id } });
      const locked = lockedStatus([post.status, ...current.map((t) => t.status)]);
      if (locked) throw postNotEditable(locked);
      requireVersion('post', post.version, expected, 'get_post');
      await this.refs.require(m, workspaceId, {
        campaignId: fields.campaignId,
        mediaIds: fields.mediaIds,
        accountIds,
      });

      applyContentChanges(post, fields);
      if (accountIds) {
        const wanted = new Set(accountIds);
        const have = new Set(current.map((t) => t.socialAccountId));
        const dropped = current.filter((t) => !wanted.has(t.socialAccountId)).map((t) => t.socialAccountId);
        if (dropped.length) {
          await m.delete(PostTargetEntity, { workspaceId, postId: id, socialAccountId: In(dropped) });
        }
        const added = accountIds.filter((a) => !have.has(a));
        // A new target starts ready, like every target of a new post; scheduling decides what happens next.
        if (added.length) {
          await m.insert(
            PostTargetEntity,
            added.map((socialAccountId) => ({ workspaceId, postId: id, socialAccountId, status: 'ready' as const })),
          );
        }
      }
      post.version += 1;
      const saved = await m.save(post);
      const targets = await this.repository.targetsOf(workspaceId, [id], m);
      return toPostResponse(saved, targets.get(id) ?? []);
    });
  }
}
