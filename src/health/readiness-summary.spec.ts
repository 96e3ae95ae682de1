import type { HealthCheckResult } from '@nestjs/terminus';
import { notReadyReasons, readinessForAnyone } from './readiness-summary';

describe('readiness summary', () => {
  const failed: HealthCheckResult = {
    status: 'error',
    info: { queue: { status: 'up', kind: 'bullmq' } },
    error: { database: { status: 'down', message: 'connect ECONNREFUSED 10.0.0.5:5432', host: '10.0.0.5' } },
    details: {
      queue: { status: 'up', kind: 'bullmq' },
      database: { status: 'down', message: 'connect ECONNREFUSED 10.0.0.5:5432', host: '10.0.0.5' },
    },
  };

  it('keeps each dependency to its status and kind for anyone who asks', () => {
    expect(readinessForAnyone(failed)).toEqual({
      status: 'error',
      info: { queue: { status: 'up', kind: 'bullmq' } },
      error: { database: { status: 'down' } },
      details: { queue: { status: 'up', kind: 'bullmq' }, database: { status: 'down' } },
    });
  });

  it('gives the log what the checks found, or the overall status when none failed', () => {
    expect(notReadyReasons(failed)).toBe('database: connect ECONNREFUSED 10.0.0.5:5432');
    expect(notReadyReasons({ status: 'shutting_down', details: {} })).toBe('shutting_down');
  });
});
