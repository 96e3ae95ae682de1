/**
 * The one catalogue of permission scopes: 31 scopes in 7 categories. `Scope`, the bundles and the
 * role ceilings are all derived from it, so a scope is named in exactly one place.
 */
export const SCOPE_CATEGORIES = {
  workspace: 'Workspace',
  publishing: 'Publishing',
  drafts: 'Drafts',
  media: 'Media',
  campaigns: 'Campaigns',
  social_accounts: 'Social accounts',
  analytics: 'Analytics',
} as const;
export type ScopeCategory = keyof typeof SCOPE_CATEGORIES;

/** What a scope lets its holder do; the role ceilings are defined over these. */
export type ScopeAction = 'read' | 'list' | 'create' | 'update' | 'upload' | 'schedule' | 'publish' | 'delete';

interface ScopeDefinition {
  category: ScopeCategory;
  action: ScopeAction;
  description: string;
}

export const SCOPES = {
  'workspace:read': {
    category: 'workspace',
    action: 'read',
    description: 'See the current workspace: its name, settings and time zone.',
  },
  'workspace:list': {
    category: 'workspace',
    action: 'list',
    description: 'List the workspaces this connection may work in.',
  },

  'posts:read': {
    category: 'publishing',
    action: 'read',
    description: 'Read posts: content, targets, metadata and publishing history.',
  },
  'posts:create': {
    category: 'publishing',
    action: 'create',
    description: 'Create posts. Creating never publishes by itself.',
  },
  'posts:update': {
    category: 'publishing',
    action: 'update',
    description: 'Edit post text, media, targets and campaign (scheduling is posts:schedule).',
  },
  'posts:delete': {
    category: 'publishing',
    action: 'delete',
    description: 'Move posts to the trash (restorable for 30 days).',
  },
  'posts:schedule': {
    category: 'publishing',
    action: 'schedule',
    description: 'Schedule posts to go out at a future time.',
  },
  'posts:publish': {
    category: 'publishing',
    action: 'publish',
    description: 'Publish posts to social networks now. The riskiest scope.',
  },
  'posts:status:read': {
    category: 'publishing',
    action: 'read',
    description: 'Follow publishing progress: queue state, failures and results.',
  },

  'drafts:read': { category: 'drafts', action: 'read', description: 'Read drafts and their metadata.' },
  'drafts:create': { category: 'drafts', action: 'create', description: 'Write new drafts for people to review.' },
  'drafts:update': {
    category: 'drafts',
    action: 'update',
    description: 'Edit draft text, media references, targets and campaign.',
  },
  'drafts:delete': { category: 'drafts', action: 'delete', description: 'Delete drafts.' },

  'media:read': { category: 'media', action: 'read', description: 'Browse the media library and read asset details.' },
  'media:upload': {
    category: 'media',
    action: 'upload',
    description: 'Upload images and videos to the media library.',
  },
  'media:update': {
    category: 'media',
    action: 'update',
    description: 'Edit media alt text, captions, tags and campaign.',
  },
  'media:delete': { category: 'media', action: 'delete', description: 'Delete media assets.' },

  'campaigns:read': {
    category: 'campaigns',
    action: 'read',
    description: 'Read campaigns, their status and how much content is assigned to them.',
  },
  'campaigns:create': { category: 'campaigns', action: 'create', description: 'Start new campaigns.' },
  'campaigns:update': {
    category: 'campaigns',
    action: 'update',
    description: 'Rename campaigns, change goals, status, dates and tags (content joins one through its campaign_id).',
  },
  'campaigns:delete': { category: 'campaigns', action: 'delete', description: 'Delete campaigns.' },

  'social_accounts:read': {
    category: 'social_accounts',
    action: 'read',
    description: 'Read a connected social account: platform, name and handle. Grants no posting.',
  },
  'social_accounts:list': {
    category: 'social_accounts',
    action: 'list',
    description: 'List the social accounts connected to the workspace. Grants no posting.',
  },

  'analytics:read': {
    category: 'analytics',
    action: 'read',
    description: 'Read analytics summaries across all connected networks.',
  },
  'analytics:facebook:read': {
    category: 'analytics',
    action: 'read',
    description: 'Read detailed Facebook analytics.',
  },
  'analytics:instagram:read': {
    category: 'analytics',
    action: 'read',
    description: 'Read detailed Instagram analytics.',
  },
  'analytics:pinterest:read': {
    category: 'analytics',
    action: 'read',
    description: 'Read detailed Pinterest analytics.',
  },
  'analytics:youtube:read': { category: 'analytics', action: 'read', description: 'Read detailed YouTube analytics.' },
  'analytics:gmb:read': {
    category: 'analytics',
    action: 'read',
    description: 'Read detailed Google Business Profile analytics.',
  },
  'analytics:linkedin:read': {
    category: 'analytics',
    action: 'read',
    description: 'Read detailed LinkedIn analytics.',
  },
  'analytics:x:read': { category: 'analytics', action: 'read', description: 'Read detailed X (Twitter) analytics.' },
} as const satisfies Record<string, ScopeDefinition>;

export type Scope = keyof typeof SCOPES;
export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.prototype.hasOwnProperty.call(SCOPES, value);
}

function scopesWhere(test: (scope: Scope, def: ScopeDefinition) => boolean): Scope[] {
  return ALL_SCOPES.filter((s) => test(s, SCOPES[s]));
}

const WORKSPACE_BASICS: Scope[] = ['workspace:read', 'workspace:list'];
const ANALYTICS: Scope[] = scopesWhere((_, d) => d.category === 'analytics');

/** The four recommended bundles, as sets derived from the catalogue. */
export const BUNDLES = {
  'read-only-analytics': {
    title: 'Read-Only Analytics Assistant',
    description: 'Answers analytics questions; cannot publish or edit content.',
    scopes: [...WORKSPACE_BASICS, 'social_accounts:read', 'analytics:read'],
  },
  'full-analytics': {
    title: 'Full Analytics Access',
    description: 'Analytics across every supported network, read-only.',
    scopes: [...WORKSPACE_BASICS, 'social_accounts:read', ...ANALYTICS],
  },
  'ai-publishing-assistant': {
    title: 'AI Publishing Assistant',
    description: 'Drafts, schedules, publishes and monitors posts.',
    scopes: [
      ...WORKSPACE_BASICS,
      'social_accounts:list',
      ...scopesWhere((s, d) => d.category === 'publishing' && d.action !== 'delete'),
      ...scopesWhere((s, d) => d.category === 'drafts' && d.action !== 'delete'),
      'media:read',
      'media:upload',
      'campaigns:read',
      'campaigns:update',
    ],
  },
  'campaign-operator': {
    title: 'Campaign Operator',
    description: 'Plans campaigns, stages content and checks performance.',
    scopes: [
      ...WORKSPACE_BASICS,
      ...scopesWhere((s, d) => d.category === 'campaigns' && d.action !== 'delete'),
      'posts:read',
      'posts:create',
      'posts:update',
      'posts:schedule',
      'drafts:create',
      'drafts:update',
      'media:read',
      'analytics:read',
    ],
  },
} as const satisfies Record<string, { title: string; description: string; scopes: Scope[] }>;

export type BundleName = keyof typeof BUNDLES;
export const BUNDLE_NAMES = Object.keys(BUNDLES) as BundleName[];

export function isBundleName(value: string): value is BundleName {
  return Object.prototype.hasOwnProperty.call(BUNDLES, value);
}
