import { SetMetadata } from '@nestjs/common';
import type { Scope } from './scopes';

export const REQUIRED_SCOPES_KEY = 'postern:required-scopes';

/**
 * Every listed scope is required. With no arguments: any authenticated principal may call it
 * (used by transport endpoints whose operations check scopes themselves, such as `/mcp`).
 */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES_KEY, scopes);
