import type { WorkspaceSettings } from '../domain/workspaces/workspace.entity';
import type { ActorKind } from './actor';
import { ROLE_CEILINGS, type Role } from './roles';
import type { Scope } from './scopes';

/** Scopes a draft-first workspace withholds from agent connections until an admin allows more. */
export const DRAFT_FIRST_WITHHELD: readonly Scope[] = ['posts:publish', 'posts:schedule'];

/** What the workspace's policy lets this kind of principal hold at all. */
export function policyAllows(scope: Scope, kind: ActorKind, settings: WorkspaceSettings): boolean {
  const draftFirst = settings.draftFirst ?? true;
  if (kind === 'agent' && draftFirst && DRAFT_FIRST_WITHHELD.includes(scope)) return false;
  return true;
}

/**
 * Effective scopes = granted ∩ role ceiling ∩ workspace policy. Computed on every call from the
 * current role and settings, so a demotion or a policy change bites on the next call.
 */
export function effectiveScopes(
  granted: Iterable<Scope>,
  role: Role,
  kind: ActorKind,
  settings: WorkspaceSettings,
): Set<Scope> {
  const ceiling = ROLE_CEILINGS[role];
  return new Set([...granted].filter((s) => ceiling.has(s) && policyAllows(s, kind, settings)));
}
