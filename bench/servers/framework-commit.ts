import type { RequestHandler } from 'express';
import { Pool } from 'pg';
import { holdResponse } from '../../src/audit/hold-response';
import { startFrameworkAnchor } from './framework-anchor';
import type { RunningServer } from './running-server';

const TABLE = 'bench_commit_floor';

/**
 * The commit floor: the framework anchor with each answer held, by the hold the audit middleware
 * uses, until one small row for it is committed. Rows are group-committed as the audit writer does
 * it (one INSERT per batch, one batch in flight, the next one started after the I/O polled), but
 * with nothing else: no record fields, hashing, chain or guards. What this loses against the
 * anchor is what a durable per-call record costs at the least on this machine; the full path's
 * audit cost is read against it.
 */
export async function startFrameworkCommit(databaseUrl: string): Promise<RunningServer> {
  const pool = new Pool({ connectionString: databaseUrl, max: 8 });
  await pool.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id bigserial PRIMARY KEY, at timestamptz NOT NULL)`);
  let queue: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  let flushing = false;
  const drain = async () => {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        await pool.query(`INSERT INTO ${TABLE} (at) SELECT now() FROM generate_series(1, $1)`, [batch.length]);
        for (const waiter of batch) waiter.resolve();
      } catch (err) {
        for (const waiter of batch) waiter.reject(err);
      }
    }
    flushing = false;
  };
  const commit = () =>
    new Promise<void>((resolve, reject) => {
      queue.push({ resolve, reject });
      if (!flushing) {
        flushing = true;
        setImmediate(() => void drain());
      }
    });
  const hold: RequestHandler = (_req, res, next) => {
    holdResponse(res, commit, () => ({ status: 503, body: '{"error":"not committed"}' }));
    next();
  };
  const server = await startFrameworkAnchor(hold);
  return {
    ...server,
    auditRows: async () => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${TABLE}`)).rows[0].n),
    close: async () => {
      await server.close();
      await pool.end();
    },
  };
}
