import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { paginate, type Page } from '../../common/pagination';
import type { Platform } from '../../publishing/rules/platforms';
import { isUuid } from '../../common/validation/uuid';
import { notFound } from '../../common/app-error';
import { toPostResponse, type PostResponse, type TargetView } from './dto/post.response';
import type { PostStatus } from './post-status';
import { PostEntity } from './post.entity';

export interface PostListQuery {
  status?: PostStatus;
  campaignId?: string;
  platform?: Platform;
  after?: Date;
  before?: Date;
  /** List the trash instead of the live posts. */
  trashed?: boolean;
  cursor?: string;
  limit?: number;
}

interface TargetRow {
  post_id: string;
  social_account_id: string;
  platform: Platform;
  status: PostStatus;
  updated_at: Date;
  scheduled_at: Date | null;
  published_at: Date | null;
  external_url: string | null;
  error_code: string | null;
  error_message: string | null;
}

/**
 * Reads of posts and their targets. Every method takes the workspace; methods that a use case
 * calls inside its transaction take its manager too.
 */
@Injectable()
export class PostsRepository {
  constructor(@InjectRepository(PostEntity) private readonly posts: Repository<PostEntity>) {}

  /** A post of the workspace, or null. A trashed post is found only with `withDeleted`. */
  async findById(
    workspaceId: string,
    id: string,
    options: { withDeleted?: boolean; manager?: EntityManager } = {},
  ): Promise<PostEntity | null> {
    if (!isUuid(id)) return null;
    const m = options.manager ?? this.posts.manager;
    return m.findOne(PostEntity, { where: { workspaceId, id }, withDeleted: options.withDeleted ?? false });
  }

  /**
   * Locks a post of the workspace for the rest of `m`'s transaction, before any of its targets: a
   * missing or foreign post is "not found".
   */
  async lockForChange(
    m: EntityManager,
    workspaceId: string,
    id: string,
    options: { withDeleted?: boolean } = {},
  ): Promise<PostEntity> {
    const post = isUuid(id)
      ? await m.findOne(PostEntity, {
          where: { workspaceId, id },
          withDeleted: options.withDeleted ?? false,
          lock: { mode: 'pessimistic_write' },
        })
      : null;
    if (!post) throw notFound('post');
    return post;
  }

  /** A post as answered, trashed or not, read through `m` (inside the transaction that changed it). */
  async responseOf(m: EntityManager, workspaceId: string, id: string): Promise<PostResponse> {
    const post = await m.findOneOrFail(PostEntity, { where: { workspaceId, id }, withDeleted: true });
    const targets = await this.targetsOf(workspaceId, [id], m);
    return toPostResponse(post, targets.get(id) ?? []);
  }

  /** Each post's targets with their account's platform, in a stable order (platform, then account id). */
  async targetsOf(
    workspaceId: string,
    postIds: readonly string[],
    manager: EntityManager = this.posts.manager,
  ): Promise<Map<string, TargetView[]>> {
    const byPost = new Map<string, TargetView[]>(postIds.map((id) => [id, []]));
    if (!postIds.length) return byPost;
    const rows = await manager.query<TargetRow[]>(
      `SELECT t.post_id, t.social_account_id, a.platform, t.status, t.updated_at, t.scheduled_at, t.published_at,
              t.external_url, t.error_code, t.error_message
         FROM post_targets t
         JOIN social_accounts a ON a.id = t.social_account_id AND a.workspace_id = t.workspace_id
        WHERE t.workspace_id = $1 AND t.post_id = ANY($2::uuid[])
        ORDER BY a.platform, t.social_account_id`,
      [workspaceId, [...postIds]],
    );
    for (const r of rows) {
      byPost.get(r.post_id)?.push({
        socialAccountId: r.social_account_id,
        platform: r.platform,
        status: r.status,
        updatedAt: new Date(r.updated_at),
        scheduledAt: r.scheduled_at && new Date(r.scheduled_at),
        publishedAt: r.published_at && new Date(r.published_at),
        externalUrl: r.external_url,
        error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
      });
    }
    return byPost;
  }

  /** A post's scheduled targets, for the queue. */
  async scheduledTargets(
    workspaceId: string,
    postId: string,
  ): Promise<{ id: string; attempts: number; scheduledAt: Date | null }[]> {
    const rows = await this.posts.manager.query<{ id: string; attempts: number; scheduled_at: Date | null }[]>(
      `SELECT id, attempts, scheduled_at FROM post_targets
        WHERE workspace_id = $1 AND post_id = $2 AND status = 'scheduled'`,
      [workspaceId, postId],
    );
    return rows.map((r) => ({ id: r.id, attempts: r.attempts, scheduledAt: r.scheduled_at }));
  }

  /**
   * Posts trashed more than `days` ago, oldest first, across every workspace: the one read that is
   * not a caller's, because the purge job acts for the system, not for a workspace. Grouped by
   * workspace.
   */
  async expiredTrash(days: number, limit: number): Promise<Map<string, string[]>> {
    const rows = await this.posts.manager.query<{ id: string; workspace_id: string }[]>(
      `SELECT id, workspace_id FROM posts WHERE deleted_at < now() - make_interval(hours => $1)
        ORDER BY deleted_at LIMIT $2`,
      [days * 24, limit],
    );
    const byWorkspace = new Map<string, string[]>();
    for (const r of rows) byWorkspace.set(r.workspace_id, [...(byWorkspace.get(r.workspace_id) ?? []), r.id]);
    return byWorkspace;
  }

  /** Newest first. `platform` matches posts with a target account on that platform. */
  list(workspaceId: string, query: PostListQuery): Promise<Page<PostEntity>> {
    const q = this.posts.createQueryBuilder('p').where('p.workspace_id = :workspaceId', { workspaceId });
    if (query.trashed) q.withDeleted().andWhere('p.deleted_at IS NOT NULL');
    if (query.status) q.andWhere('p.status = :status', { status: query.status });
    if (query.campaignId) q.andWhere('p.campaign_id = :campaignId', { campaignId: query.campaignId });
    if (query.platform) {
      q.andWhere(
        `EXISTS (SELECT 1 FROM post_targets t
                   JOIN social_accounts a ON a.id = t.social_account_id AND a.workspace_id = t.workspace_id
                  WHERE t.workspace_id = p.workspace_id AND t.post_id = p.id AND a.platform = :platform)`,
        { platform: query.platform },
      );
    }
    if (query.after) q.andWhere('p.created_at >= :after', { after: query.after });
    if (query.before) q.andWhere('p.created_at < :before', { before: query.before });
    return paginate(q, { cursor: query.cursor, limit: query.limit });
  }
}
