import type { INestApplication } from '@nestjs/common';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { AuditWriter } from '../../src/audit/audit-writer.service';
import { createApp } from '../../src/bootstrap';
import type { LogLevel } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { buildWorkspaceWithKey } from '../../test/factories';
import { portOf, type RunningServer } from './running-server';

export interface FullPathOptions {
  databaseUrl: string;
  /** Shared by both Postern servers, as by the instances of one deployment: they read each other's sealed secrets. */
  secretKey: string;
  logLevel: LogLevel;
  /** false: the bench-only "audit off" variant, whose audit writer commits nothing. */
  auditWrites: boolean;
}

/**
 * The production app exactly as `createApp` builds it (guards, audit middleware, exception
 * mapping, MCP strategy), on loopback, with a workspace whose owner created an API key.
 */
export async function startFullPath(options: FullPathOptions): Promise<RunningServer> {
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    SECRET_KEY: options.secretKey,
    DATA_DIR: path.join(os.tmpdir(), `postern-bench-${process.pid}`),
    LOG_LEVEL: options.logLevel,
    PORT: '0',
  });
  const app = await createApp({ ...config, secretKey: config.secretKey as string }, options.databaseUrl);
  const { workspace, token } = await buildWorkspaceWithKey(app);
  if (!options.auditWrites) discardAuditWrites(app);
  await app.listen(0, '127.0.0.1');
  const dataSource = app.get(DataSource);
  return {
    port: portOf(app.getHttpServer() as { address(): unknown }),
    token,
    auditRows: async () => {
      const [row] = await dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM audit_records WHERE workspace_id = $1',
        [workspace.id],
      );
      return row.n;
    },
    close: () => app.close(),
  };
}

/**
 * The "audit off" variant, built here and nowhere in src/: the app's one AuditWriter (the instance
 * the audit middleware holds) resolves every group-committed write at once without touching the
 * database. Everything else — the middleware holding each response, the draft, the guards — still
 * runs, so the difference to the full path is the cost of committing the audit trail.
 */
function discardAuditWrites(app: INestApplication): void {
  const writer = app.get(AuditWriter);
  writer.write = () => Promise.resolve();
}
