import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { AuditDraft } from '../audit/audit-context';
import { targetPath } from '../common/origin-form';
import { isMcpPath } from '../mcp/mcp-path';
import { OAuthTokenVerifier } from '../oauth/oauth-token-verifier.service';
import { ApiKeysService } from './api-keys/api-keys.service';
import { bearerToken, principalOfBearer } from './bearer-credential';

/**
 * Names the caller of a request refused before any guard ran: a malformed, oversized or non-JSON
 * body, a JSON-RPC batch, an unknown route. Such a record named no one and went to the
 * deployment-wide chain, which no workspace admin reads, so a workspace's own key sending them went
 * unseen. The bearer credential is checked as the authentication guard checks it; one that
 * verifies files the refusal under its workspace, naming its key or agent. It allows nothing, and an
 * unverified token still names no one (a stranger cannot write into a workspace's trail).
 */
@Injectable()
export class EarlyRefusalAttribution {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly tokens: OAuthTokenVerifier,
  ) {}

  async attribute(draft: AuditDraft, req: Request): Promise<void> {
    const token = bearerToken(req);
    if (!token) return;
    // A dead credential names itself on the draft (with why it is dead); the call's own reason stays.
    const reason = draft.reason;
    try {
      const principal = await principalOfBearer(token, isMcpPath(targetPath(req)), this.apiKeys, this.tokens);
      if (principal?.workspaceId) {
        draft.workspaceId = principal.workspaceId;
        const { kind, keyId, userId, clientId } = principal;
        draft.refusedCredential = { kind, keyId, userId, clientId };
      }
    } catch (err) {
      // The record is still written, naming no one, as before.
      this.logger.warn(`could not name the caller of a refused request: ${(err as Error).message}`);
    } finally {
      if (reason !== undefined) draft.reason = reason;
    }
  }
}
