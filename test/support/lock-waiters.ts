import type { DataSource } from 'typeorm';
import { waitFor } from './processes';

/**
 * Waits until `count` backends wait, directly or in line behind another waiter, on a lock the backend
 * `pid` holds: the point at which a test that holds a lock has its racing calls where it wants them.
 */
export async function waitersBehind(db: DataSource, pid: number, count: number): Promise<void> {
  await waitFor(
    async () => {
      const [{ n }] = await db.query<{ n: number }[]>(
        `WITH RECURSIVE w(pid) AS (
           SELECT $1::int UNION SELECT a.pid FROM pg_stat_activity a, w WHERE w.pid = ANY (pg_blocking_pids(a.pid)))
         SELECT count(*)::int - 1 AS n FROM w`,
        [pid],
      );
      return n >= count ? true : undefined;
    },
    5_000,
    `${count} backends waiting behind ${pid}`,
  );
}
