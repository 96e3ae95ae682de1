import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/load-config';
import type { AppConfig } from '../../src/config/config.types';

/** The config a test app runs with: the suite's database and Redis, a throwaway secret and data dir. */
export function testConfig(env: NodeJS.ProcessEnv = {}): AppConfig & { secretKey: string } {
  const config = loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    // One key for the whole suite: the apps share a database, and what one seals the others must open.
    SECRET_KEY: process.env.POSTERN_TEST_SECRET_KEY ?? randomBytes(32).toString('base64url'),
    DATA_DIR: path.join(os.tmpdir(), `postern-test-${process.pid}`),
    LOG_LEVEL: 'silent',
    PORT: '0',
    // The suite's apps register clients from 127.0.0.1 and, in CI, count in one Redis: more in an
    // hour than the default lets one address. The limit's own test sets its own.
    OAUTH_REGISTRATIONS_PER_HOUR: '100000',
    ...env,
  });
  return { ...config, secretKey: config.secretKey as string };
}

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set; the suite globalSetup sets it');
  return url;
}
