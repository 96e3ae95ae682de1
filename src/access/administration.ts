import { ROLE_CEILINGS } from './roles';
import type { Scope } from './scopes';

/**
 * What an administrative call needs when no scope of the catalogue names it (listing keys, managing
 * members, registering or changing a social account): every scope of the admin role, which also
 * makes admin the role these need. A key made for a narrower job cannot do them, whoever is behind
 * it. Membership is here although assertHolds bounds each change by the roles involved: its answers
 * name members by email, which only listing them should reveal, and adding by email tells whether an
 * address has an account on the installation. Keys are bounded by assertHolds alone: a narrower key
 * may mint or revoke keys within its own scopes, tools and expiry.
 */
export const ADMINISTRATION: readonly Scope[] = [...ROLE_CEILINGS.admin];

export const ADMINISTRATION_RULE =
  'The API key must hold every scope of the admin role (a full-access key): a narrower one is refused with 403 ' +
  'insufficient_scope, whoever is behind it.';
