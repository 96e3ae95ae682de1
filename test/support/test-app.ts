import type { INestApplication } from '@nestjs/common';
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
