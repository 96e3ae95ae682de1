import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Provider } from 'oidc-provider';
import type { DataSource, EntityManager } from 'typeorm';
import { lockMembership } from '../domain/workspaces/membership-lock';
import { AuditContext } from '../audit/audit-context';
import { AuditedTransactions } from '../audit/audited-transactions.service';
import { notFound } from '../common/app-error';
import { returningRows } from '../database/returning-rows';
import { OIDC_PROVIDER } from './oauth.tokens';

export interface ConnectionView {
  grant_id: string;
  client_id: string;
  client_name: string | null;
  redirect_host: string | null;
  workspace_id: string;
  workspace_name: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
}

/** A user's authorized AI clients: one row per OAuth grant, with the workspace it is bound to. */
@Injectable()
export class OAuthConnectionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    private readonly audited: AuditedTransactions,
  ) {}

  async record(
    m: EntityManager,
    row: {
      grantId: string;
      userId: string;
      workspaceId: string;
      clientId: string;
      clientName?: string;
      redirectHost?: string;
      scopes: string[];
    },
  ): Promise<void> {
    AuditContext.concerns(row.workspaceId);
    await lockMembership(m, row.workspaceId, row.userId);
    await m.query(
      `INSERT INTO oauth_connections (grant_id, user_id, workspace_id, client_id, client_name, redirect_host, scopes) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        row.grantId,
        row.userId,
        row.workspaceId,
        row.clientId,
        row.clientName ?? null,
        row.redirectHost ?? null,
        row.scopes,
      ],
    );
  }

  listFor(userId: string): Promise<ConnectionView[]> {
    return this.dataSource.query<ConnectionView[]>(
      `SELECT c.grant_id, c.client_id, c.client_name, c.redirect_host, c.workspace_id, w.name AS workspace_name, c.scopes, c.created_at, c.last_used_at
         FROM oauth_connections c JOIN workspaces w ON w.id = c.workspace_id
        WHERE c.user_id = $1 AND c.revoked_at IS NULL ORDER BY c.created_at DESC`,
      [userId],
    );
  }

  /** Ends a connection at once: its grant, refresh tokens and access tokens stop working. */
  async revoke(userId: string, grantId: string): Promise<void> {
    // Grant ids are url-safe base64; anything else (a NUL, which PostgreSQL refuses) names none.
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(grantId)) throw notFound('connection');
    await this.audited.run(async (m) => {
      const [row] = returningRows<{ workspace_id: string }>(
        await m.query(
          `UPDATE oauth_connections SET revoked_at = now() WHERE grant_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING workspace_id`,
          [grantId, userId],
        ),
      );
      if (!row) throw notFound('connection');
      AuditContext.concerns(row.workspace_id);
    });
    // The grant and every refresh token and code issued under it; access tokens die with the connection row.
    const adapter = (this.provider.Grant as unknown as { adapter: { revokeByGrantId(id: string): Promise<void> } })
      .adapter;
    await adapter.revokeByGrantId(grantId);
    await (await this.provider.Grant.find(grantId))?.destroy();
  }
}
