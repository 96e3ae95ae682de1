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
import { OAuthUnit } from './oauth-unit-of-work';
import { SecretBox } from '../common/crypto/secret-box';
import { AUTHORIZATION_CODE_TTL_SECONDS, INTERACTION_TTL_SECONDS } from './connection-lifetime';
import { APP_CONFIG, type AppConfig } from '../config/config.types';

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
  /** When the connection ends at the latest as things stand; `ends_by` says what sets it. */
  ends_at: Date;
  /**
   * `refresh`: its refresh token lapses then unless used (each use moves it on, up to the grant's
   * end); `grant`: its grant ends then, however it is used; `access`: no live refresh token (a
   * client that cannot renew, or one that has not redeemed its code yet), so its first access
   * token's end.
   */
  ends_by: 'refresh' | 'grant' | 'access';
  grant_ends_at: Date | null;
  /** Whether consent found the client registered to renew its access; words the page, decides nothing. */
  renews: boolean;
}

/** A user's authorized AI clients: one row per OAuth grant, with the workspace it is bound to. */
@Injectable()
export class OAuthConnectionsService {
  private readonly box: SecretBox;
  private readonly accessTokenTtlSeconds: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    private readonly audited: AuditedTransactions,
    @Inject(APP_CONFIG) config: AppConfig & { secretKey: string },
  ) {
    this.box = new SecretBox(config.secretKey, 'oauth');
    this.accessTokenTtlSeconds = config.oauthAccessTokenTtlSeconds;
  }

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
      /** The client renews its access with refresh tokens (it was registered with that grant). */
      renews: boolean;
    },
  ): Promise<void> {
    AuditContext.concerns(row.workspaceId);
    AuditContext.noteResult('connection', { grant_id: row.grantId, client_id: row.clientId, scopes: row.scopes });
    await lockMembership(m, row.workspaceId, row.userId);
    await m.query(
      `INSERT INTO oauth_connections (grant_id, user_id, workspace_id, client_id, client_name, redirect_host, scopes, renews) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        row.grantId,
        row.userId,
        row.workspaceId,
        row.clientId,
        row.clientName ?? null,
        row.redirectHost ?? null,
        row.scopes,
        row.renews,
      ],
    );
  }

  /**
   * The user's live connections, newest first, each with when it ends at the latest. One that has
   * ended is left out: its grant ended (or was ended by a replayed code), or nothing can renew its
   * access any more (its client cannot, or its refresh token lapsed unused) and its access token
   * has expired. No token of it works any more, and the page would call it connected.
   */
  async listFor(userId: string): Promise<ConnectionView[]> {
    const rows = await this.dataSource.query<
      (Omit<ConnectionView, 'ends_at' | 'ends_by' | 'grant_ends_at'> & { db_now: Date })[]
    >(
      // The database's clock, which dates the rows, decides what has ended: not this process's.
      `SELECT c.grant_id, c.client_id, c.client_name, c.redirect_host, c.workspace_id, w.name AS workspace_name, c.scopes, c.created_at, c.last_used_at, c.renews, now() AS db_now
         FROM oauth_connections c JOIN workspaces w ON w.id = c.workspace_id
        WHERE c.user_id = $1 AND c.revoked_at IS NULL ORDER BY c.created_at DESC`,
      [userId],
    );
    if (!rows.length) return [];
    // Grants, and the tokens of a grant, are found by keyed digests (see the adapter), made here.
    const grants = await this.dataSource.query<
      { grant_id: string; expires_at: Date | null; refresh_expires_at: Date | null }[]
    >(
      `SELECT k.grant_id, g.expires_at,
              (SELECT max(r.expires_at) FROM oauth_artifacts r
                WHERE r.grant_key = k.ref AND r.model = 'RefreshToken' AND r.consumed_at IS NULL
                  AND r.expires_at > now()) AS refresh_expires_at
         FROM unnest($1::text[], $2::text[], $3::text[]) AS k(grant_id, key, ref)
         JOIN oauth_artifacts g ON g.key = k.key AND g.model = 'Grant'
        WHERE g.expires_at IS NULL OR g.expires_at > now()`,
      [
        rows.map((r) => r.grant_id),
        rows.map((r) => this.box.digest(`Grant:${r.grant_id}`)),
        rows.map((r) => this.box.digest(`grant:${r.grant_id}`)),
      ],
    );
    const live = new Map(grants.map((g) => [g.grant_id, g]));
    const now = rows[0].db_now.getTime();
    return rows
      .filter((r) => live.has(r.grant_id))
      .map(({ db_now: _, ...r }) => ({ ...r, ...this.ending(r, live.get(r.grant_id)) }))
      .filter((r) => r.ends_at.getTime() > now);
  }

  private ending(
    r: { renews: boolean; created_at: Date },
    grant: { expires_at: Date | null; refresh_expires_at: Date | null } | undefined,
  ): Pick<ConnectionView, 'ends_at' | 'ends_by' | 'grant_ends_at'> {
    const grantEnds = grant?.expires_at ?? null;
    // The refresh token decides, not `renews`: the server chooses to issue one at the token endpoint,
    // from the client as it is then (a metadata document can change after consent).
    const refresh = grant?.refresh_expires_at ?? null;
    // Without a live refresh token (none yet, or it lapsed unused), only the first access token counts.
    if (!refresh) return { ends_at: this.accessEnds(r.created_at), ends_by: 'access', grant_ends_at: grantEnds };
    if (grantEnds && grantEnds.getTime() <= refresh.getTime())
      return { ends_at: grantEnds, ends_by: 'grant', grant_ends_at: grantEnds };
    return { ends_at: refresh, ends_by: 'refresh', grant_ends_at: grantEnds };
  }

  /**
   * The latest a client that cannot renew holds access, from its consent: its browser comes back
   * for the code within the interaction's life, the code is redeemed within its own, and the access
   * token then lasts its TTL. Generous rather than exact, so a working token is never hidden.
   */
  private accessEnds(consentedAt: Date): Date {
    const seconds = INTERACTION_TTL_SECONDS + AUTHORIZATION_CODE_TTL_SECONDS + this.accessTokenTtlSeconds;
    return new Date(consentedAt.getTime() + seconds * 1000);
  }

  /** Ends a connection at once: its grant, refresh tokens and access tokens stop working. */
  async revoke(userId: string, grantId: string): Promise<void> {
    // Grant ids are url-safe base64; anything else (a NUL, which PostgreSQL refuses) names none.
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(grantId)) throw notFound('connection');
    await this.audited.run(async (m) => {
      const [row] = returningRows<{ workspace_id: string; client_id: string }>(
        await m.query(
          `UPDATE oauth_connections SET revoked_at = now() WHERE grant_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING workspace_id, client_id`,
          [grantId, userId],
        ),
      );
      if (!row) throw notFound('connection');
      AuditContext.concerns(row.workspace_id);
      AuditContext.noteResult('connection', { grant_id: grantId, client_id: row.client_id });
      await this.endGrants(m, [grantId]);
    });
  }

  /**
   * Ends every connection `userId` has in `workspaceId`, as revoke does, in the caller's
   * transaction: their removal from the workspace, which records it.
   */
  async revokeAllIn(m: EntityManager, workspaceId: string, userId: string): Promise<void> {
    const rows = returningRows<{ grant_id: string; client_id: string }>(
      await m.query(
        `UPDATE oauth_connections SET revoked_at = now() WHERE workspace_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING grant_id, client_id`,
        [workspaceId, userId],
      ),
    );
    // The removal's record names the connections it ended, as a single revocation's does.
    if (rows.length)
      AuditContext.noteResult('connection', {
        grant_id: rows.map((r) => r.grant_id),
        client_id: [...new Set(rows.map((r) => r.client_id))],
      });
    await this.endGrants(
      m,
      rows.map((r) => r.grant_id),
    );
  }

  /**
   * The grants and every refresh token and code issued under them, in `m`: the token endpoint
   * would otherwise go on refreshing them. Access tokens die with the connection row.
   */
  private endGrants(m: EntityManager, grantIds: string[]): Promise<void> {
    const adapter = (this.provider.Grant as unknown as { adapter: { revokeByGrantId(id: string): Promise<void> } })
      .adapter;
    return OAuthUnit.within(m, async () => {
      for (const grantId of grantIds) {
        await adapter.revokeByGrantId(grantId);
        await (await this.provider.Grant.find(grantId))?.destroy();
      }
    });
  }
}
