import { AppError } from '../common/app-error';
import type { Actor } from './actor';
import type { Scope } from './scopes';

/**
 * Nobody hands out, or takes away, more than they hold. Granting a role, changing or removing a
 * member and revoking a key each act on a set of scopes, and a credential that lacks any of them
 * is refused. Without this, a key limited to reading analytics, made by an owner, could make
 * anyone an owner. The operator (the CLI on the server) holds everything.
 */
export function assertHolds(actor: Actor, scopes: Iterable<Scope>, refusal: string, field: string): void {
  if (actor.kind === 'operator') return;
  const missing = [...new Set(scopes)].filter((s) => !actor.scopes.has(s));
  if (!missing.length) return;
  throw new AppError(
    'insufficient_scope',
    `${refusal}: ${missing.join(' ')}`,
    missing.map((s) => ({ field, issue: s })),
  );
}
