import { SetMetadata } from '@nestjs/common';

export const REQUIRES_AUDIT_ACCESS_KEY = 'postern:requires-audit-access';

/**
 * Reading the workspace's audit trail: on top of its scopes and role, the credential must be an
 * API key created with `audit_access` (see ScopesGuard). No scope grants this, so an admin's narrow
 * key — analytics only, or a few tools — cannot read who did what. Used on REST routes; nothing on
 * MCP needs it, and `tools/list` does not consider it.
 */
export const RequireAuditAccess = () => SetMetadata(REQUIRES_AUDIT_ACCESS_KEY, true);
