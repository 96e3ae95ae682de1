import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, runMigrations } from './bootstrap';
import { SetupService } from './console/setup/setup.service';
import { ConfigError } from './config/config.errors';
import { loadConfig } from './config/load-config';
import { resolveSecretKey } from './config/secret-key';
import { openDatabase, type DatabaseEndpoint } from './database/database-endpoint';
import { exitOnSignals } from './common/exit-on-signals';
import { MEDIA_STORAGE, type MediaStorage } from './domain/media/storage/media-storage';
import { reportMediaStore } from './domain/media/storage/report-media-store';

/** Starts the API, MCP endpoint and console; owns the embedded database when there is no DATABASE_URL. */
export async function serve(): Promise<void> {
  let db: DatabaseEndpoint | undefined;
  try {
    const config = resolveSecretKey(loadConfig());
    db = await openDatabase(config, 'server');
    if (config.runMigrations) await runMigrations(db.url);
    const app = await createApp(config, db.url);
    const setupLink = await app.get(SetupService).prepare();
    await app.listen(config.port, config.host);

    const log = new Logger('Postern');
    const base = config.publicUrl;
    log.log(`MCP endpoint   ${base}/mcp`);
    log.log(`REST API docs  ${base}/api/docs`);
    log.log(`Console        ${base}/console`);
    log.log(`Health         ${base}/health/ready`);
    log.log(`Data directory ${config.dataDir}${db.embedded ? ' (embedded PostgreSQL)' : ''}`);
    log.log(`Queue          ${config.redisUrl ? 'BullMQ on Redis' : 'in-process'}`);
    let closing = false;
    // Not awaited: a store that is slow to answer does not hold the start.
    void reportMediaStore(app.get<MediaStorage>(MEDIA_STORAGE, { strict: false }), log, () => closing);
    if (setupLink) {
      log.warn(
        `First run: open this one-time link to create the owner account (expires in ${config.setupTokenTtlMinutes} min):`,
      );
      // Printed plainly as well, so it is easy to copy from a terminal.
      process.stdout.write(`\n  ${setupLink}\n\n`);
    }

    exitOnSignals('postern', async () => {
      closing = true;
      try {
        await app.close();
      } finally {
        // The embedded PostgreSQL is stopped cleanly even when closing the app failed.
        await db?.close();
      }
    });
  } catch (err) {
    await db?.close().catch(() => undefined);
    process.stderr.write(
      `postern: ${err instanceof ConfigError ? err.message : `failed to start: ${(err as Error).message}`}\n`,
    );
    process.exit(1);
  }
}

if (require.main === module) void serve();
