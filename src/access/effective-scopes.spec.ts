import type { WorkspaceSettings } from '../domain/workspaces/workspace.entity';
import type { ActorKind } from './actor';
import { DRAFT_FIRST_WITHHELD, effectiveScopes, policyAllows } from './effective-scopes';
import { ROLE_CEILINGS, ROLES } from './roles';
import { ALL_SCOPES, BUNDLES, SCOPES, type Scope } from './scopes';

const sorted = (values: Iterable<string>): string[] => [...values].sort();
const DRAFT_FIRST: WorkspaceSettings = { draftFirst: true };
const OPEN: WorkspaceSettings = { draftFirst: false };
const KINDS: ActorKind[] = ['api_key', 'user', 'agent', 'operator'];

describe(effectiveScopes.name, () => {
  it('is the intersection of the granted scopes and the role ceiling', () => {
    const granted: Scope[] = ['workspace:read', 'posts:create', 'posts:publish', 'media:delete'];
    expect(sorted(effectiveScopes(granted, 'viewer', 'api_key', OPEN))).toEqual(['workspace:read']);
    expect(sorted(effectiveScopes(granted, 'editor', 'api_key', OPEN))).toEqual(['posts:create', 'workspace:read']);
    expect(sorted(effectiveScopes(granted, 'admin', 'api_key', OPEN))).toEqual(sorted(granted));
  });

  it('never adds a scope that was not granted, however strong the role', () => {
    for (const role of ROLES) {
      expect(sorted(effectiveScopes(['analytics:read'], role, 'api_key', OPEN))).toEqual(['analytics:read']);
      expect(effectiveScopes([], role, 'user', OPEN).size).toBe(0);
    }
  });

  it('gives every role exactly its ceiling when everything is granted and no policy applies', () => {
    for (const role of ROLES) {
      expect(sorted(effectiveScopes(ALL_SCOPES, role, 'api_key', OPEN))).toEqual(sorted(ROLE_CEILINGS[role]));
    }
  });

  it('gives a viewer only read and list scopes, whatever it was granted', () => {
    for (const kind of KINDS) {
      for (const settings of [OPEN, DRAFT_FIRST, {}]) {
        const scopes = [...effectiveScopes(ALL_SCOPES, 'viewer', kind, settings)];
        expect(scopes.length).toBeGreaterThan(0);
        expect(scopes.filter((s) => !['read', 'list'].includes(SCOPES[s].action))).toEqual([]);
      }
    }
    const bundle = effectiveScopes(BUNDLES['ai-publishing-assistant'].scopes, 'viewer', 'api_key', OPEN);
    expect([...bundle].filter((s) => /:(create|update|upload|schedule|publish|delete)$/.test(s))).toEqual([]);
    expect(bundle.has('posts:read')).toBe(true);
  });

  it('withholds posts:publish and posts:schedule from an agent in a draft-first workspace', () => {
    const agent = effectiveScopes(ALL_SCOPES, 'owner', 'agent', DRAFT_FIRST);
    expect(sorted(DRAFT_FIRST_WITHHELD)).toEqual(['posts:publish', 'posts:schedule']);
    expect(sorted(ALL_SCOPES.filter((s) => !agent.has(s)))).toEqual(['posts:publish', 'posts:schedule']);
    expect(agent.has('posts:create')).toBe(true);
  });

  it('treats a workspace without the setting as draft-first', () => {
    const agent = effectiveScopes(ALL_SCOPES, 'owner', 'agent', {});
    expect(agent.has('posts:publish')).toBe(false);
    expect(agent.has('posts:schedule')).toBe(false);
  });

  it('withholds nothing from an agent when draft-first is off', () => {
    expect(sorted(effectiveScopes(ALL_SCOPES, 'owner', 'agent', OPEN))).toEqual(sorted(ALL_SCOPES));
  });

  it.each(['api_key', 'user', 'operator'] as const)(
    'withholds nothing from a %s in a draft-first workspace',
    (kind) => {
      expect(sorted(effectiveScopes(ALL_SCOPES, 'owner', kind, DRAFT_FIRST))).toEqual(sorted(ALL_SCOPES));
    },
  );

  it('applies the role ceiling and the policy together', () => {
    const granted: Scope[] = ['posts:create', 'posts:schedule', 'posts:publish'];
    expect(sorted(effectiveScopes(granted, 'editor', 'agent', DRAFT_FIRST))).toEqual(['posts:create']);
    expect(sorted(effectiveScopes(granted, 'editor', 'agent', OPEN))).toEqual(['posts:create', 'posts:schedule']);
  });
});

describe(policyAllows.name, () => {
  it('refuses only the withheld scopes, only to agents, only under draft-first', () => {
    for (const kind of KINDS) {
      for (const scope of ALL_SCOPES) {
        const withheld = kind === 'agent' && DRAFT_FIRST_WITHHELD.includes(scope);
        expect([kind, scope, policyAllows(scope, kind, DRAFT_FIRST)]).toEqual([kind, scope, !withheld]);
        expect([kind, scope, policyAllows(scope, kind, OPEN)]).toEqual([kind, scope, true]);
      }
    }
  });
});
