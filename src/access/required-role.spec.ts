import { requiredRole } from './required-role';
import { ROLES } from './roles';
import { ALL_SCOPES, SCOPES, type Scope } from './scopes';

describe(requiredRole.name, () => {
  it('is viewer for an action that needs no scope and sets no floor', () => {
    expect(requiredRole([])).toBe('viewer');
  });

  it.each([
    [['workspace:read'], 'viewer'],
    [['analytics:x:read', 'social_accounts:list'], 'viewer'],
    [['posts:create'], 'editor'],
    [['posts:schedule'], 'editor'],
    [['media:upload'], 'editor'],
    [['posts:publish'], 'admin'],
    [['drafts:delete'], 'admin'],
  ] as [Scope[], string][])('needs the weakest role holding %j: %s', (scopes, role) => {
    expect(requiredRole(scopes)).toBe(role);
  });

  it('takes the strongest role any one of several scopes needs, in any order', () => {
    expect(requiredRole(['workspace:read', 'posts:update', 'campaigns:delete'])).toBe('admin');
    expect(requiredRole(['campaigns:delete', 'posts:update', 'workspace:read'])).toBe('admin');
    expect(requiredRole(['posts:read', 'drafts:create'])).toBe('editor');
  });

  it('raises the requirement to an explicit floor', () => {
    expect(requiredRole([], 'admin')).toBe('admin');
    expect(requiredRole(['workspace:read'], 'owner')).toBe('owner');
    expect(requiredRole(['posts:create'], 'admin')).toBe('admin');
  });

  it('never lowers the requirement below what the scopes need', () => {
    expect(requiredRole(['posts:publish'], 'viewer')).toBe('admin');
    expect(requiredRole(['posts:create'], 'viewer')).toBe('editor');
  });

  it('needs the role of the scope’s action for every scope in the catalogue', () => {
    const byAction: Record<string, string> = {
      read: 'viewer',
      list: 'viewer',
      create: 'editor',
      update: 'editor',
      upload: 'editor',
      schedule: 'editor',
      publish: 'admin',
      delete: 'admin',
    };
    for (const scope of ALL_SCOPES) {
      expect([scope, requiredRole([scope])]).toEqual([scope, byAction[SCOPES[scope].action]]);
    }
  });

  it('never demands owner from scopes alone', () => {
    expect(requiredRole(ALL_SCOPES)).toBe('admin');
    expect(ROLES.map((floor) => requiredRole(ALL_SCOPES, floor))).toEqual(['admin', 'admin', 'admin', 'owner']);
  });
});
