import { ROLE_CEILINGS } from './roles';
import type { Scope } from './scopes';

/**
 * What an administrative call needs when no scope of the catalogue names it and no rule of its own
 * bounds it by what the credential holds (listing members or keys, registering or changing a
 * social account): every scope of the admin role, which also makes admin the role these need. A
 * key made for a narrower job cannot do them, whoever is behind it; key and member changes are
 * bounded by assertHolds instead.
 */
export const ADMINISTRATION: readonly Scope[] = [...ROLE_CEILINGS.admin];

export const ADMINISTRATION_RULE =
  'The API key must hold every scope of the admin role (a full-access key): a narrower one is refused with 403 ' +
  'insufficient_scope, whoever is behind it.';
