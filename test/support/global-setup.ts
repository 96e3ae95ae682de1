import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { keepExtendedQueriesTogether } from '../../src/database/pglite-socket-ordering';

declare global {
  var __POSTERN_PG__: { server: PGLiteSocketServer; db: PGlite } | undefined;
}

/**
 * Runs once, outside the test VMs (PGlite cannot start inside them). Tests use DATABASE_URL and
 * REDIS_URL when set (CI: real PostgreSQL and Redis); otherwise one in-memory embedded PostgreSQL.
 * Also builds dist/, which the CLI and smoke tests run exactly as a user would.
 */
export default async function globalSetup(): Promise<void> {
  process.env.POSTERN_TEST_SECRET_KEY ??= randomBytes(32).toString('base64url');
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (!process.env.DATABASE_URL) {
    const db = await PGlite.create({ dataDir: 'memory://' });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
    keepExtendedQueriesTogether(server);
    await server.start();
    globalThis.__POSTERN_PG__ = { server, db };
    process.env.DATABASE_URL = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
    process.env.POSTERN_TEST_EMBEDDED = '1';
  }
  const ds = new DataSource(dataSourceOptions(process.env.DATABASE_URL, 1));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
}
