import { minimumRoleFor, ROLE_CEILINGS, ROLES } from './roles';
import { ALL_SCOPES, BUNDLES, SCOPE_CATEGORIES, SCOPES, type ScopeCategory } from './scopes';

/** The catalogue as clients read it (REST and the `postern://scopes` resource). */
export function scopeCatalogue() {
  return {
    categories: (Object.keys(SCOPE_CATEGORIES) as ScopeCategory[]).map((id) => ({
      id,
      title: SCOPE_CATEGORIES[id],
      scopes: ALL_SCOPES.filter((s) => SCOPES[s].category === id).map((name) => ({
        name,
        description: SCOPES[name].description,
        minimum_role: minimumRoleFor(name),
      })),
    })),
    bundles: Object.entries(BUNDLES).map(([name, b]) => ({
      name,
      title: b.title,
      description: b.description,
      scopes: [...b.scopes],
    })),
    role_ceilings: Object.fromEntries(ROLES.map((r) => [r, [...ROLE_CEILINGS[r]]])),
  };
}
