import { ALL_SCOPES, SCOPES, type Scope, type ScopeAction } from './scopes';

/** Workspace roles, weakest first; each role holds every power of the ones before it. */
export const ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** The weakest role whose ceiling includes an action. */
const MINIMUM_ROLE_FOR_ACTION: Record<ScopeAction, Role> = {
  read: 'viewer',
  list: 'viewer',
  create: 'editor',
  update: 'editor',
  upload: 'editor',
  schedule: 'editor',
  publish: 'admin',
  delete: 'admin',
};

export function minimumRoleFor(scope: Scope): Role {
  return MINIMUM_ROLE_FOR_ACTION[SCOPES[scope].action];
}

/** Role ceilings derived from the catalogue: owner ⊇ admin ⊇ editor ⊇ viewer. */
export const ROLE_CEILINGS: Record<Role, ReadonlySet<Scope>> = Object.fromEntries(
  ROLES.map((role) => [role, new Set(ALL_SCOPES.filter((s) => roleAtLeast(role, minimumRoleFor(s))))]),
) as unknown as Record<Role, ReadonlySet<Scope>>;
