import type { EntityManager } from 'typeorm';
import { returningRows } from '../../database/returning-rows';

/** What a disabled account still has that will work again if it is re-enabled. */
export interface SuspendedAccess {
  /** Unrevoked, unexpired API keys the account created: refused while it is disabled. */
  keys: number;
  /** Unrevoked agent connections it approved: refused while it is disabled. */
  connections: number;
  /** Workspaces in which no other active account is an owner. */
  soleOwnerOf: string[];
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
  const [counts] = await m.query<{ keys: number; connections: number }[]>(
    `SELECT (SELECT count(*)::int FROM api_keys
              WHERE created_by_user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS keys,
            (SELECT count(*)::int FROM oauth_connections WHERE user_id = $1 AND revoked_at IS NULL) AS connections`,
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
  return { keys: counts.keys, connections: counts.connections, soleOwnerOf: sole.map((r) => r.slug) };
}
