import { LimiterStore } from '../../src/common/limiter-store';
import { DEPLOYMENT_FACTOR, RegistrationLimiter } from '../../src/oauth/registration-limiter';
import { testConfig } from '../support/test-config';

describe(RegistrationLimiter.name, () => {
  it('refuses a registration it cannot count, without a wait to offer', async () => {
    // A Redis nobody listens on: the store fails at once (it keeps no offline queue).
    const store = new LimiterStore({ redisUrl: 'redis://127.0.0.1:1' });
    const limiter = new RegistrationLimiter(store, testConfig());
    try {
      expect(await limiter.admit('203.0.113.9')).toEqual({ admitted: false });
    } finally {
      store.onApplicationShutdown();
    }
  });

  it('counts an IPv6 /64 as one address', async () => {
    const limiter = new RegistrationLimiter(
      new LimiterStore({}),
      testConfig({ REDIS_URL: '', OAUTH_REGISTRATIONS_PER_HOUR: '2' }),
    );
    expect(await limiter.admit('2001:db8:1:2::a')).toEqual({ admitted: true });
    expect(await limiter.admit('2001:db8:1:2::b')).toEqual({ admitted: true });
    expect(await limiter.admit('2001:db8:1:2:ffff::c')).toMatchObject({ admitted: false });
    expect(await limiter.admit('2001:db8:1:3::a')).toEqual({ admitted: true });
  });

  it('bounds everyone together too, at DEPLOYMENT_FACTOR times one address, whatever the addresses', async () => {
    const limiter = new RegistrationLimiter(
      new LimiterStore({}),
      testConfig({ REDIS_URL: '', OAUTH_REGISTRATIONS_PER_HOUR: '2' }),
    );
    for (let i = 0; i < 2 * DEPLOYMENT_FACTOR; i++)
      expect(await limiter.admit(`2001:db8:${i.toString(16)}::1`)).toEqual({ admitted: true });
    expect(await limiter.admit('2001:db8:ffff::1')).toEqual({
      admitted: false,
      spentBy: 'everyone',
      retryAfterSeconds: expect.any(Number),
    });
  });
});
