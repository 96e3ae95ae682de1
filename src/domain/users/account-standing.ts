import type { EntityManager } from 'typeorm';
import { returningRows } from '../../database/returning-rows';

/** What a disabled account still has that will work again if it is re-enabled. */
export interface SuspendedAccess {
  /** Unrevoked, unexpired API keys the account created as a member still: refused while it is disabled. */
  keys: number;
  /**
   * Unrevoked agent connections it approved in workspaces it is still a member of: refused while
   * it is disabled. One whose grant has run out by time is counted too (nothing marks it ended).
   */
  connections: number;
  /** Workspaces in which no other active account is an owner. */
  soleOwnerOf: string[];
  /**
   * Not suspended: posts it created with a target still scheduled. They belong to the workspace
   * and still go out, so the operator is told to have them reviewed.
   */
  queuedPosts: number;
}

/**
 * Ends every console session of an account, in the caller's transaction. Signing in again is the
 * only way back, so a session taken before a password reset or a disabling is worthless.
 */
export async function endConsoleSessions(m: EntityManager, userId: string): Promise<number> {
  const ended: unknown = await m.query(`DELETE FROM console_sessions WHERE user_id = $1 RETURNING 1`, [userId]);
  return returningRows(ended).length;
}

/** Read in the transaction that disables the account, so the operator is told what it suspended. */
export async function suspendedAccess(m: EntityManager, userId: string): Promise<SuspendedAccess> {
  // Only what re-enabling would bring back: a key or connection made under the membership the
  // person still has (one made before a removal stays dead, as the credential checks decide).
  const [counts] = await m.query<{ keys: number; connections: number }[]>(
    `SELECT (SELECT count(*)::int FROM api_keys k
              WHERE k.created_by_user_id = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
                AND EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = k.workspace_id
                              AND m.user_id = $1 AND m.created_at <= k.created_at)) AS keys,
            (SELECT count(*)::int FROM oauth_connections c
              WHERE c.user_id = $1 AND c.revoked_at IS NULL
                AND EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = c.workspace_id
                              AND m.user_id = $1 AND m.created_at <= c.created_at)) AS connections`,
    [userId],
  );
  const sole = await m.query<{ slug: string }[]>(
    `SELECT w.slug FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
      WHERE m.user_id = $1 AND m.role = 'owner'
        AND NOT EXISTS (SELECT 1 FROM memberships o JOIN users u ON u.id = o.user_id
                         WHERE o.workspace_id = m.workspace_id AND o.role = 'owner'
                           AND o.user_id <> $1 AND u.status = 'active')
      ORDER BY w.slug`,
    [userId],
  );
  // By target, not by the post's own status: a post part published, part still due, shows as
  // publishing. Approval requests would queue targets as pending_approval; counted too.
  const [queued] = await m.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM posts p
      WHERE p.created_by_user_id = $1 AND p.deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.workspace_id = p.workspace_id
                      AND t.status IN ('scheduled', 'pending_approval'))`,
    [userId],
  );
  return {
    keys: counts.keys,
    connections: counts.connections,
    soleOwnerOf: sole.map((r) => r.slug),
    queuedPosts: queued.n,
  };
}
