import { SetMetadata } from '@nestjs/common';
import type { Scope } from './scopes';

export const ARGUMENT_SCOPES_KEY = 'postern:argument-scopes';

/**
 * Scopes a tool or route needs on top of @RequireScopes when an argument is given: validate_post
 * reads a draft when called with draft_id. The service checks them on every call and counts them in
 * the call's audit record; declared here, the MCP step-up challenge asks an agent for them before
 * the call, as it does for the tool's own scopes, and the permission table lists them.
 */
export const ScopesForArguments = (scopes: Record<string, Scope[]>) => SetMetadata(ARGUMENT_SCOPES_KEY, scopes);
