import { ALL_SCOPES, BUNDLE_NAMES, BUNDLES, isBundleName, isScope, SCOPE_CATEGORIES, SCOPES } from './scopes';

/** The catalogue as the product brief lists it. */
const EXPECTED_SCOPES = [
  'workspace:read',
  'workspace:list',
  'posts:read',
  'posts:create',
  'posts:update',
  'posts:delete',
  'posts:schedule',
  'posts:publish',
  'posts:status:read',
  'drafts:read',
  'drafts:create',
  'drafts:update',
  'drafts:delete',
  'media:read',
  'media:upload',
  'media:update',
  'media:delete',
  'campaigns:read',
  'campaigns:create',
  'campaigns:update',
  'campaigns:delete',
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

/** The four bundles exactly as the product brief defines them. */
const EXPECTED_BUNDLES: Record<string, string[]> = {
  'read-only-analytics': ['workspace:read', 'workspace:list', 'social_accounts:read', 'analytics:read'],
  'full-analytics': [
    'workspace:read',
    'workspace:list',
    'social_accounts:read',
    'analytics:read',
    'analytics:facebook:read',
    'analytics:instagram:read',
    'analytics:pinterest:read',
    'analytics:youtube:read',
    'analytics:gmb:read',
    'analytics:linkedin:read',
    'analytics:x:read',
  ],
  'ai-publishing-assistant': [
    'workspace:read',
    'workspace:list',
    'social_accounts:list',
    'posts:read',
    'posts:create',
    'posts:update',
    'posts:schedule',
    'posts:publish',
    'posts:status:read',
    'drafts:read',
    'drafts:create',
    'drafts:update',
    'media:read',
    'media:upload',
    'campaigns:read',
    'campaigns:update',
  ],
  'campaign-operator': [
    'workspace:read',
    'workspace:list',
    'campaigns:read',
    'campaigns:create',
    'campaigns:update',
    'posts:read',
    'posts:create',
    'posts:update',
    'posts:schedule',
    'drafts:create',
    'drafts:update',
    'media:read',
    'analytics:read',
  ],
};

const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('SCOPES', () => {
  it('holds exactly 31 scopes', () => {
    expect(ALL_SCOPES).toHaveLength(31);
    expect(new Set(ALL_SCOPES).size).toBe(31);
  });

  it('holds exactly the scopes of the product brief', () => {
    expect(sorted(ALL_SCOPES)).toEqual(sorted(EXPECTED_SCOPES));
  });

  it('has exactly 7 categories, each used by at least one scope', () => {
    const categories = Object.keys(SCOPE_CATEGORIES);
    expect(categories).toHaveLength(7);
    expect(sorted(new Set(ALL_SCOPES.map((s) => SCOPES[s].category)))).toEqual(sorted(categories));
  });

  it('describes every scope', () => {
    const undescribed = ALL_SCOPES.filter((s) => SCOPES[s].description.trim().length < 10);
    expect(undescribed).toEqual([]);
  });

  it('gives each scope the action its name ends with', () => {
    const mismatched = ALL_SCOPES.filter((s) => !s.endsWith(`:${SCOPES[s].action}`));
    expect(mismatched).toEqual([]);
  });
});

describe('BUNDLES', () => {
  it('offers exactly the four bundles of the product brief', () => {
    expect(sorted(BUNDLE_NAMES)).toEqual(sorted(Object.keys(EXPECTED_BUNDLES)));
  });

  it.each(Object.entries(EXPECTED_BUNDLES))('%s holds exactly the scopes of the product brief', (name, expected) => {
    expect(isBundleName(name)).toBe(true);
    const scopes: readonly string[] = BUNDLES[name as keyof typeof BUNDLES].scopes;
    expect(sorted(scopes)).toEqual(sorted(expected));
    expect(new Set(scopes).size).toBe(scopes.length);
  });

  it('gives every bundle a title and a description', () => {
    for (const name of BUNDLE_NAMES) {
      expect(BUNDLES[name].title).not.toBe('');
      expect(BUNDLES[name].description).not.toBe('');
    }
  });
});

describe(isScope.name, () => {
  it.each(['posts:publish', 'posts:status:read', 'analytics:x:read', 'social_accounts:list'])('accepts %s', (value) => {
    expect(isScope(value)).toBe(true);
  });

  it.each([
    'posts:Publish',
    'posts',
    '',
    'posts:publish ',
    'posts:*',
    'analytics:tiktok:read',
    'toString',
    '__proto__',
  ])('rejects %j', (value) => {
    expect(isScope(value)).toBe(false);
  });
});

describe(isBundleName.name, () => {
  it.each(['read-only-analytics', 'full-analytics', 'ai-publishing-assistant', 'campaign-operator'])(
    'accepts %s',
    (value) => {
      expect(isBundleName(value)).toBe(true);
    },
  );

  it.each(['Full-Analytics', 'full', 'campaign_operator', '', 'toString', '__proto__'])('rejects %j', (value) => {
    expect(isBundleName(value)).toBe(false);
  });
});
