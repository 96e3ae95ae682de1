import { isRole, minimumRoleFor, ROLE_CEILINGS, roleAtLeast, ROLES } from './roles';
import { ALL_SCOPES } from './scopes';

const VIEWER = [
  'workspace:read',
  'workspace:list',
  'posts:read',
  'posts:status:read',
  'drafts:read',
  'media:read',
  'campaigns:read',
  'social_accounts:read',
  'social_accounts:list',
  'analytics:read',
  'analytics:facebook:read',
  'analytics:instagram:read',
  'analytics:pinterest:read',
  'analytics:youtube:read',
  'analytics:gmb:read',
  'analytics:linkedin:read',
  'analytics:x:read',
];
const EDITOR_ADDS = [
  'drafts:create',
  'drafts:update',
  'posts:create',
  'posts:update',
  'posts:schedule',
  'campaigns:create',
  'campaigns:update',
  'media:upload',
  'media:update',
];
const ADMIN_ADDS = ['posts:publish', 'posts:delete', 'drafts:delete', 'media:delete', 'campaigns:delete'];

const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('ROLE_CEILINGS', () => {
  it('orders the roles weakest first', () => {
    expect(ROLES).toEqual(['viewer', 'editor', 'admin', 'owner']);
  });

  it('gives a viewer every read and list scope and nothing else', () => {
    const viewer = ROLE_CEILINGS.viewer;
    expect(sorted(viewer)).toEqual(sorted(VIEWER));
    expect(sorted(viewer)).toEqual(sorted(ALL_SCOPES.filter((s) => /:(read|list)$/.test(s))));
    expect(viewer.has('posts:status:read')).toBe(true);
  });

  it('gives an editor create, update, upload and schedule, but not publish or delete', () => {
    const editor = ROLE_CEILINGS.editor;
    expect(sorted(editor)).toEqual(sorted([...VIEWER, ...EDITOR_ADDS]));
    expect(editor.has('posts:publish')).toBe(false);
    expect([...editor].filter((s) => s.endsWith(':delete'))).toEqual([]);
  });

  it('gives an admin publish and every delete on top of editor', () => {
    const admin = ROLE_CEILINGS.admin;
    expect(sorted(admin)).toEqual(sorted([...VIEWER, ...EDITOR_ADDS, ...ADMIN_ADDS]));
    expect(sorted(ALL_SCOPES.filter((s) => s.endsWith(':delete')).filter((s) => !admin.has(s)))).toEqual([]);
  });

  it('gives an owner every scope', () => {
    expect(sorted(ROLE_CEILINGS.owner)).toEqual(sorted(ALL_SCOPES));
  });

  it('nests the ceilings: viewer ⊆ editor ⊆ admin ⊆ owner', () => {
    for (let i = 1; i < ROLES.length; i++) {
      const weaker = ROLE_CEILINGS[ROLES[i - 1]];
      const stronger = ROLE_CEILINGS[ROLES[i]];
      expect([...weaker].filter((s) => !stronger.has(s))).toEqual([]);
    }
  });
});

describe(minimumRoleFor.name, () => {
  it.each([
    ['analytics:x:read', 'viewer'],
    ['social_accounts:list', 'viewer'],
    ['posts:schedule', 'editor'],
    ['media:upload', 'editor'],
    ['posts:publish', 'admin'],
    ['media:delete', 'admin'],
  ] as const)('requires at least %s -> %s', (scope, role) => {
    expect(minimumRoleFor(scope)).toBe(role);
  });
});

describe(roleAtLeast.name, () => {
  it.each([
    ['owner', 'admin', true],
    ['editor', 'editor', true],
    ['viewer', 'editor', false],
    ['admin', 'owner', false],
  ] as const)('%s at least %s is %s', (role, minimum, expected) => {
    expect(roleAtLeast(role, minimum)).toBe(expected);
  });
});

describe(isRole.name, () => {
  it.each(['viewer', 'editor', 'admin', 'owner'])('accepts %s', (value) => {
    expect(isRole(value)).toBe(true);
  });

  it.each(['Viewer', 'owners', 'admin ', 'superadmin', '', 'toString'])('rejects %j', (value) => {
    expect(isRole(value)).toBe(false);
  });
});
