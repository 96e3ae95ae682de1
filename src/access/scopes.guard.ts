import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { allowlistHides, assertAuditAccess, assertScopes } from './access-refusals';
import { AuditContext } from '../audit/audit-context';
import { AppError } from '../common/app-error';
import { requestOf, toolNameOf } from './execution-request';
import { permissionMetadata } from './permission-metadata';
import { isMcpPath } from '../mcp/mcp-path';

/**
 * Fourth guard: what the credential was granted. Every declared scope must be among the actor's
 * effective scopes, a key limited to named tools stays on them, and a route that reads the audit
 * trail needs a key created with `audit_access`.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const meta = permissionMetadata(this.reflector, context);
    if (meta.isPublic || meta.consoleSession) return true;
    const actor = requestOf(context)?.actor;
    if (!actor) throw new AppError('unauthenticated', 'not authenticated');
    const tool = toolNameOf(context);
    // A key limited to named tools may call nothing else, and is not told what else exists.
    const draft = AuditContext.current();
    if (tool && allowlistHides(actor, tool)) {
      if (draft) Object.assign(draft, { decision: 'denied', reason: 'tool not in the key allowlist' });
      throw new AppError('not_found', `Unknown tool: ${tool}`);
    }
    if (!tool && actor.toolAllowlist) {
      // A key limited to named tools exists for one MCP job: it has no business on the REST API,
      // nor with the workspace data MCP resources hold (reference resources need no scope).
      const http = context.getType() === 'http';
      if (http && !isMcpPath(requestOf(context)?.path ?? '')) {
        if (draft) Object.assign(draft, { decision: 'denied', reason: 'tool-limited key used outside MCP' });
        throw new AppError('forbidden', 'this key is limited to named MCP tools and cannot be used on the REST API');
      }
      if (!http && meta.scopes?.length) {
        if (draft) Object.assign(draft, { decision: 'denied', reason: 'tool-limited key reading a resource' });
        throw new AppError('forbidden', 'this key is limited to named MCP tools and cannot read workspace resources');
      }
    }
    assertScopes(actor, meta.scopes ?? []);
    if (meta.auditAccess) assertAuditAccess(actor);
    if (draft) draft.decision = 'allowed';
    return true;
  }
}
