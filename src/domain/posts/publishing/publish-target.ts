import type { EntityManager } from 'typeorm';
import type { PublishRequest } from '../../../publishing/connectors/platform-connector';
import type { Platform } from '../../../publishing/rules/platforms';
import type { PlatformOverrides } from '../content-fields';
import { postStatusOf, type PostStatus } from '../post-status';

/** A target as the runner sees it: where it stands and what it would send. */
export interface PublishTarget {
  id: string;
  workspaceId: string;
  postId: string;
  status: PostStatus;
  attempts: number;
  scheduledAt: Date | null;
  claimToken: string | null;
  accountStatus: string;
  /** Some media of the post was deleted (or never existed) since it was checked. */
  mediaMissing: boolean;
  platform: Platform;
  request: PublishRequest;
}

interface TargetRow {
  id: string;
  workspace_id: string;
  post_id: string;
  status: PostStatus;
  attempts: number;
  scheduled_at: Date | null;
  claim_token: string | null;
  account_status: string;
  media_missing: boolean;
  account_id: string;
  platform: Platform;
  account_external_id: string;
  handle: string | null;
  text: string;
  title: string | null;
  link: string | null;
  overrides: PlatformOverrides;
  media_ids: string[];
}

/** True when a media id of post `p` has no live asset. */
export const MEDIA_MISSING = `cardinality(p.media_ids) <> (SELECT count(*) FROM media_assets ma
  WHERE ma.workspace_id = p.workspace_id AND ma.id = ANY(p.media_ids) AND ma.deleted_at IS NULL)`;

const SELECT_TARGETS = `
  SELECT t.id, t.workspace_id, t.post_id, t.status, t.attempts, t.scheduled_at, t.claim_token,
         a.status AS account_status, a.id AS account_id, a.platform, a.external_id AS account_external_id, a.handle,
         p.text, p.title, p.link, p.overrides, p.media_ids, ${MEDIA_MISSING} AS media_missing
    FROM post_targets t
    JOIN social_accounts a ON a.id = t.social_account_id AND a.workspace_id = t.workspace_id
    JOIN posts p ON p.id = t.post_id AND p.workspace_id = t.workspace_id AND p.deleted_at IS NULL`;

function toTarget(r: TargetRow): PublishTarget {
  // What this platform gets: its variant where it has one, the shared content otherwise.
  const variant = r.overrides?.[r.platform] ?? {};
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    postId: r.post_id,
    status: r.status,
    attempts: r.attempts,
    scheduledAt: r.scheduled_at,
    claimToken: r.claim_token,
    accountStatus: r.account_status,
    mediaMissing: r.media_missing,
    platform: r.platform,
    request: {
      targetId: r.id,
      idempotencyKey: `${r.id}.${r.claim_token ?? 'unclaimed'}`,
      account: { id: r.account_id, externalId: r.account_external_id, handle: r.handle },
      text: variant.text ?? r.text,
      title: variant.title ?? r.title,
      link: variant.link ?? r.link,
      mediaIds: r.media_ids,
    },
  };
}

/** Targets of live posts by id, or matching a condition on `t` (the runner's sweeps). */
export async function readTargets(m: EntityManager, where: string, params: unknown[]): Promise<PublishTarget[]> {
  const rows = await m.query<TargetRow[]>(`${SELECT_TARGETS} WHERE ${where}`, params);
  return rows.map(toTarget);
}

/**
 * Locks the post before any of its targets changes: the use cases (schedule, cancel) take the post
 * first too, so the two never wait on each other in opposite orders.
 */
export async function lockPost(m: EntityManager, workspaceId: string, postId: string): Promise<void> {
  await m.query(`SELECT id FROM posts WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [workspaceId, postId]);
}

/** Sets a post's status from its targets' after one of them moved. */
export async function refreshPostStatus(m: EntityManager, workspaceId: string, postId: string): Promise<void> {
  const rows = await m.query<{ status: PostStatus }[]>(
    `SELECT status FROM post_targets WHERE workspace_id = $1 AND post_id = $2`,
    [workspaceId, postId],
  );
  await m.query(`UPDATE posts SET status = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    postId,
    postStatusOf(rows.map((r) => r.status)),
  ]);
}
