import type { AppConfig } from '../config/config.types';
import { EmbeddedPostgres, embeddedUrl, findRunningInstance } from './embedded-postgres';

/** Where the database is, and how to let go of it when the process ends. */
export interface DatabaseEndpoint {
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * `server`: the process owns the embedded database (refuses if another process already does).
 * `client` (CLI): reuse the running instance's database if there is one, else open it briefly.
 */
export async function openDatabase(config: AppConfig, mode: 'server' | 'client'): Promise<DatabaseEndpoint> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, close: async () => {} };
  if (mode === 'client') {
    const running = await findRunningInstance(config.dataDir);
    if (running) return { url: embeddedUrl(running.port), embedded: true, close: async () => {} };
  }
  const pg = await EmbeddedPostgres.start(config.dataDir);
  return { url: pg.url, embedded: true, close: () => pg.stop() };
}
