import { ROLE_CEILINGS } from './roles';
import type { Scope } from './scopes';

/**
 * What an administrative call needs when no scope of the catalogue names it and no rule of its own
 * bounds it by what the credential holds (listing members or keys, registering or changing a
 * social account): every scope of the admin role. A key or agent connection made for a narrower
 * job cannot do these, whoever is behind it; key and member changes are bounded by assertHolds.
 */
export const ADMINISTRATION: readonly Scope[] = [...ROLE_CEILINGS.admin];

export const ADMINISTRATION_RULE =
  'The credential must hold every scope of the admin role (a full-access key or connection): a narrower one is ' +
  'refused with 403 insufficient_scope, whoever is behind it.';
