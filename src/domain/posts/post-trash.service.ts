import { Injectable } from '@nestjs/common';
import { workspaceOf, type Actor } from '../../access/actor';
import { AuditContext } from '../../audit/audit-context';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { notFound } from '../../common/app-error';
import { returningRows } from '../../database/returning-rows';
import { isUuid } from '../../common/validation/uuid';
import type { PostResponse } from './dto/post.response';
import { PostTargetEntity } from './post-target.entity';
import { PostEntity } from './post.entity';
import { notRestorable, postNotTrashable } from './posts.errors';
import { PostsRepository } from './posts.repository';
import { restorableUntil, TRASH_RETENTION_DAYS } from './trash-retention';

/** At most this many posts go per purge run, so one run is one bounded transaction. */
export const PURGE_BATCH = 1000;

/**
 * The trash: deleting moves a post here (soft delete), restoring brings it back within
 * TRASH_RETENTION_DAYS, and the purge job removes it for good after that.
 */
@Injectable()
export class PostTrashService {
  constructor(
    private readonly repository: PostsRepository,
    private readonly audited: AuditedTransactions,
  ) {}

  /**
   * Moves a live post to the trash. Refused while it is scheduled (the runner would publish it from
   * the trash), being published, or its outcome is unknown.
   */
  async delete(actor: Actor, id: string): Promise<PostResponse> {
    const workspaceId = workspaceOf(actor);
    if (!isUuid(id)) throw notFound('post');
    return this.audited.run(async (m) => {
      const post = await this.repository.lockForChange(m, workspaceId, id);
      const targets = await m.find(PostTargetEntity, { where: { workspaceId, postId: id } });
      const inFlight = [post.status, ...targets.map((t) => t.status)].find(
        (s) => s === 'scheduled' || s === 'publishing' || s === 'unknown',
      );
      if (inFlight) throw postNotTrashable(inFlight);
      await m.softDelete(PostEntity, { workspaceId, id });
      return this.repository.responseOf(m, workspaceId, id);
    });
  }

  /** Takes a post out of the trash, as it was. A post not in the trash, or trashed too long ago, is not restorable. */
  async restore(actor: Actor, id: string): Promise<PostResponse> {
    const workspaceId = workspaceOf(actor);
    if (!isUuid(id)) throw notFound('post');
    return this.audited.run(async (m) => {
      const post = await this.repository.lockForChange(m, workspaceId, id, { withDeleted: true });
      if (!post.deletedAt) {
        throw notRestorable('this post is not in the trash, so there is nothing to restore; it is live as it is');
      }
      const until = restorableUntil(post.deletedAt);
      if (until.getTime() <= Date.now()) {
        throw notRestorable(
          `this post was deleted at ${post.deletedAt.toISOString()} and could be restored only until ` +
            `${until.toISOString()} (${TRASH_RETENTION_DAYS} days); it will be purged. Create a new post instead.`,
        );
      }
      await m.restore(PostEntity, { workspaceId, id });
      return this.repository.responseOf(m, workspaceId, id);
    });
  }

  /** What the purge has to do: posts trashed more than TRASH_RETENTION_DAYS ago, by workspace. */
  expiredTrash(): Promise<Map<string, string[]>> {
    return this.repository.expiredTrash(TRASH_RETENTION_DAYS, PURGE_BATCH);
  }

  /**
   * Removes, for good, these posts of one workspace if they are still trashed and past the window
   * (their targets go with them; audit records are never touched). One audited transaction, filed
   * under the workspace's own chain, naming the posts it removed. Returns the ids removed.
   */
  async purge(workspaceId: string, ids: string[]): Promise<string[]> {
    AuditContext.concerns(workspaceId);
    return this.audited.run(async (m) => {
      const purged = returningRows<{ id: string }>(
        await m.query(
          `DELETE FROM posts WHERE workspace_id = $1 AND id = ANY($2::uuid[])
              AND deleted_at < now() - make_interval(hours => $3)
           RETURNING id`,
          // Hours, not days: a day interval follows daylight-saving time, restore's deadline does not.
          [workspaceId, ids, TRASH_RETENTION_DAYS * 24],
        ),
      ).map((r) => r.id);
      const draft = AuditContext.current();
      if (draft) {
        draft.args = { post_ids: purged };
        draft.reason =
          `purged ${purged.length} post(s) trashed more than ${TRASH_RETENTION_DAYS} days ago: ${purged.join(' ')}`.slice(
            0,
            500,
          );
      }
      return purged;
    });
  }
}
