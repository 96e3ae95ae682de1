import { ALL_SCOPES } from '../access/scopes';
import { withDefaultScope } from './default-scope';

describe(withDefaultScope.name, () => {
  it('asks a request without scope for every scope the server advertises', () => {
    expect(withDefaultScope(undefined, undefined)).toBe(ALL_SCOPES.join(' '));
  });

  it('keeps offline_access and openid, adding the Postern scopes after them', () => {
    expect(withDefaultScope('offline_access', undefined)).toBe(['offline_access', ...ALL_SCOPES].join(' '));
    expect(withDefaultScope('openid offline_access', undefined)?.split(' ').slice(0, 2)).toEqual([
      'openid',
      'offline_access',
    ]);
  });

  it('leaves a request that names a Postern scope as it is', () => {
    expect(withDefaultScope('workspace:list offline_access', undefined)).toBe('workspace:list offline_access');
  });

  it('asks only for what the client registered', () => {
    expect(withDefaultScope(undefined, 'offline_access posts:read workspace:list')).toBe('posts:read workspace:list');
  });

  it('has no default for a client that registered no Postern scope', () => {
    expect(withDefaultScope('offline_access', 'offline_access')).toBeUndefined();
  });
});
