import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';

/**
 * Holds the member's row for the rest of a transaction that gives them a credential (a key, an
 * agent connection), or refuses when they are no longer an active member. A removal locks the row
 * to delete it, so it waits for the credential to commit and then revokes it too; a removal that
 * came first leaves no row, and the credential is refused. Without the lock the two could pass
 * each other, leaving a live credential for someone who had left.
 */
export async function lockMembership(m: EntityManager, workspaceId: string, userId: string): Promise<void> {
  const rows = await m.query<unknown[]>(
    `SELECT 1 FROM memberships ms JOIN users u ON u.id = ms.user_id AND u.status = 'active'
      WHERE ms.workspace_id = $1 AND ms.user_id = $2 FOR SHARE OF ms`,
    [workspaceId, userId],
  );
  if (rows.length) return;
  throw new AppError('forbidden', "the credential's owner is not an active member of the workspace", [
    { field: 'member', issue: 'not an active member' },
  ]);
}
