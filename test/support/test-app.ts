import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';
import type { AppConfig } from '../../src/config/config.types';
import { freePort } from './processes';
import { databaseUrl, testConfig } from './test-config';

export interface TestApp {
  app: INestApplication;
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

/**
 * The app on a port chosen up front, with PUBLIC_URL matching it, for tests where the issuer and
 * resource URLs must be exactly what clients see (OAuth).
 */
export async function startTestAppAtPublicUrl(env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await createApp(testConfig({ PUBLIC_URL: url, PORT: String(port), ...env }), databaseUrl());
  await app.listen(port, '127.0.0.1');
  return { app, url, close: () => app.close() };
}

/** The production app on an ephemeral loopback port, against the suite's database. */
export async function startTestApp(config: AppConfig & { secretKey: string } = testConfig()): Promise<TestApp> {
  const app = await createApp(config, databaseUrl());
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return { app, url, close: () => app.close() };
}

/** A test file's app, started once before its tests and closed after them, with its database. */
export interface SharedTestApp {
  readonly app: INestApplication;
  readonly url: string;
  readonly db: DataSource;
}

/**
 * Starts the app in beforeAll and closes it in afterAll of the calling describe block. Read the
 * properties inside hooks and tests only: before beforeAll has run there is no app yet.
 */
export function useTestApp(start: () => Promise<TestApp> = () => startTestApp()): SharedTestApp {
  let started: TestApp | undefined;
  let db: DataSource | undefined;
  beforeAll(async () => {
    started = await start();
    db = started.app.get(DataSource);
  });
  afterAll(async () => {
    await started?.close();
  });
  const running = (): TestApp => {
    if (!started) throw new Error('the test app is not running: use it inside a hook or a test');
    return started;
  };
  return {
    get app() {
      return running().app;
    },
    get url() {
      return running().url;
    },
    get db() {
      running();
      return db as DataSource;
    },
  };
}
