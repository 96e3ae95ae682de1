import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { PUBLISHING_QUEUE, type PublishingJob, type PublishingQueue } from '../../src/publishing/publishing-queue';
import { PublishingModule } from '../../src/publishing/publishing.module';
import { testConfig } from '../support/test-config';

/**
 * With Redis, every process shares one queue. A process that has no handler yet must not take jobs
 * (it would fail them and spend their attempts); only processes that can run them do.
 */
(process.env.REDIS_URL ? describe : describe.skip)('BullMQ workers without a handler', () => {
  const apps: INestApplicationContext[] = [];
  // A private Redis database keeps these jobs away from other suites' workers.
  const redisUrl = (() => {
    const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    url.pathname = '/10';
    return url.toString();
  })();
  const start = async () => {
    const app = await NestFactory.createApplicationContext(
      PublishingModule.forRoot(testConfig({ REDIS_URL: redisUrl })),
      { logger: false },
    );
    await app.init();
    apps.push(app);
    return app.get<PublishingQueue>(PUBLISHING_QUEUE);
  };
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
  });

  it('leaves every job to the process that can run it', async () => {
    const idle = await start();
    const busy = await start();
    const ran: string[] = [];
    busy.setHandler((job: PublishingJob) => {
      ran.push(job.id);
      return Promise.resolve();
    });
    const ids = Array.from({ length: 10 }, () => randomUUID());
    for (const id of ids) await idle.enqueue({ id, name: 'probe', data: {} });
    const deadline = Date.now() + 10_000;
    while (ran.length < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ran.sort()).toEqual([...ids].sort());
  });
});
