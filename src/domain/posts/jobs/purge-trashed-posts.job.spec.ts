import { Logger } from '@nestjs/common';
import { AuditContext, type AuditDraft } from '../../../audit/audit-context';
import type { PostTrashService } from '../post-trash.service';
import { PURGE_INTERVAL_MS, PurgeTrashedPostsJob } from './purge-trashed-posts.job';

describe(PurgeTrashedPostsJob.name, () => {
  const contexts: (AuditDraft | undefined)[] = [];
  const purgeExpired = jest.fn(() =>
    Promise.resolve(
      new Map([
        ['workspace-a', ['a-post']],
        ['workspace-b', ['b-post']],
      ]),
    ),
  );
  const purge = jest.fn((_workspaceId: string, ids: string[]) => {
    contexts.push(AuditContext.current());
    return Promise.resolve(ids);
  });
  // The schedule and audit contexts are what is tested here; the SQL is tested against a database.
  const job = new PurgeTrashedPostsJob({ expiredTrash: purgeExpired, purge } as unknown as PostTrashService);

  beforeAll(() => {
    // The job logs each run; the assertions here say what matters.
    Logger.overrideLogger(false);
  });
  beforeEach(() => {
    jest.useFakeTimers();
    purgeExpired.mockClear();
    purge.mockClear();
    contexts.length = 0;
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs hourly from module init until module destroy, without holding the process open', async () => {
    job.onModuleInit();
    expect((job as any).timer.hasRef()).toBe(false);
    expect(purgeExpired).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(PURGE_INTERVAL_MS);
    expect(purgeExpired).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(2 * PURGE_INTERVAL_MS);
    expect(purgeExpired).toHaveBeenCalledTimes(3);
    await job.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(3 * PURGE_INTERVAL_MS);
    expect(purgeExpired).toHaveBeenCalledTimes(3);
  });

  it('purges each workspace in an audited change of its own, by the system on the worker surface', async () => {
    await expect(job.run()).resolves.toEqual(['a-post', 'b-post']);
    expect(purge.mock.calls).toEqual([
      ['workspace-a', ['a-post']],
      ['workspace-b', ['b-post']],
    ]);
    const worker = expect.objectContaining({
      surface: 'worker',
      operation: 'job purge-trashed-posts',
      actor: expect.objectContaining({ kind: 'operator', surface: 'worker' }),
    });
    expect(contexts).toEqual([worker, worker]);
    expect(contexts[0]).not.toBe(contexts[1]);
  });

  it('keeps going after a failed run', async () => {
    purgeExpired.mockImplementationOnce(() => Promise.reject(new Error('database away')));
    job.onModuleInit();
    await jest.advanceTimersByTimeAsync(2 * PURGE_INTERVAL_MS);
    expect(purgeExpired).toHaveBeenCalledTimes(2);
    await job.onModuleDestroy();
  });
});
