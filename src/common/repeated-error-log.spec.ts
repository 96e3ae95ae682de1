import type { Logger } from '@nestjs/common';
import { RepeatedErrorLog } from './repeated-error-log';

describe(RepeatedErrorLog.name, () => {
  const lines: string[] = [];
  const logger = { error: (line: string) => lines.push(line) } as unknown as Logger;
  let now = 0;
  beforeEach(() => {
    lines.length = 0;
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs each distinct message once a minute, alternating ones included', () => {
    const log = new RepeatedErrorLog(logger, 'publishing queue');
    for (let i = 0; i < 10; i++) {
      log.error(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
      log.error(new Error('getaddrinfo EAI_AGAIN redis'));
      now += 5_000;
    }
    expect(lines).toEqual([
      'publishing queue: connect ECONNREFUSED 127.0.0.1:6379',
      'publishing queue: getaddrinfo EAI_AGAIN redis',
    ]);
    now += 15_000;
    log.error(new Error('getaddrinfo EAI_AGAIN redis'));
    expect(lines).toHaveLength(3);
  });

  it('keeps its own memory per instance', () => {
    new RepeatedErrorLog(logger, 'sign-in limiter').error(new Error('down'));
    new RepeatedErrorLog(logger, 'publishing worker').error(new Error('down'));
    expect(lines).toEqual(['sign-in limiter: down', 'publishing worker: down']);
  });
});
