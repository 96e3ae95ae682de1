import { SetMetadata } from '@nestjs/common';
import type { Scope } from './scopes';

export const ARGUMENT_SCOPES_KEY = 'postern:argument-scopes';

/**
 * Scopes a tool or route needs on top of @RequireScopes when an argument is given: validate_post
 * reads a draft when called with draft_id. The service checks them on every call. Declared here,
 * they are counted in the call's audit record, the MCP step-up challenge asks an agent for them
 * before the call (as for the tool's own scopes), and the permission table lists them.
 */
export const ScopesForArguments = (scopes: Record<string, Scope[]>) => SetMetadata(ARGUMENT_SCOPES_KEY, scopes);

/** A call's scopes: the declared ones, and those its given arguments add (an argument left out adds none). */
export function scopesWithArguments(
  scopes: readonly Scope[],
  argumentScopes: Record<string, Scope[]> | undefined,
  args: unknown,
): Scope[] {
  const given = args && typeof args === 'object' ? (args as Record<string, unknown>) : {};
  const extra = Object.entries(argumentScopes ?? {}).flatMap(([name, added]) =>
    given[name] !== undefined ? added : [],
  );
  return extra.length ? [...new Set([...scopes, ...extra])] : [...scopes];
}
