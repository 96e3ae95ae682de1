import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createLocalJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { DataSource } from 'typeorm';
import type { Principal } from '../access/actor';
import { isScope } from '../access/scopes';
import { BINDING_SELECT, bindingFrom, bindingJoins, type BindingColumns } from '../access/workspace-binding';
import { SecretBox } from '../common/crypto/secret-box';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { loadSigningKeys } from './oauth-signing-keys';
import { oauthUrls } from './oauth-urls';
import { poolQuery } from '../database/pool-query';

interface AccessTokenClaims {
  sub?: string;
  client_id?: string;
  scope?: string;
  workspace_id?: string;
  gid?: string;
}

/**
 * Accepts only our own access tokens for the MCP endpoint: signed by our key with ES256, our
 * issuer, the MCP audience, typ at+jwt (so ID tokens and anything unsigned are refused), not
 * expired, and backed by a connection that has not been revoked.
 */
@Injectable()
export class OAuthTokenVerifier {
  private keys?: JWTVerifyGetKey;
  private readonly box: SecretBox;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig & { secretKey: string },
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.box = new SecretBox(config.secretKey, 'oauth');
  }

  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
  }

  async verify(token: string): Promise<Principal | undefined> {
    const urls = oauthUrls(this.config);
    let claims: AccessTokenClaims;
    try {
      const { payload } = await jwtVerify(token, await this.keySet(), {
        issuer: urls.issuer,
        audience: urls.mcpResource,
        algorithms: ['ES256'],
        typ: 'at+jwt',
        requiredClaims: ['exp', 'sub', 'client_id'],
      });
      claims = payload;
    } catch {
      return undefined;
    }
    if (!claims.sub || !claims.client_id || !claims.workspace_id || !claims.gid) return undefined;
    // The connection must be live and its grant still held by the authorization server: revoking
    // a refresh token, reusing a rotated one, or revoking in the console all end the grant.
    // The same statement reads the workspace binding (as ApiKeysService.authenticate does), so the
    // resolve-workspace guard needs no round trip of its own; the role only counts for an active user.
    const [connection] = await poolQuery<BindingColumns>(
      this.dataSource,
      `WITH c AS (
         UPDATE oauth_connections SET last_used_at = now()
          WHERE grant_id = $1 AND revoked_at IS NULL AND user_id = $2 AND workspace_id = $3
            AND EXISTS (SELECT 1 FROM oauth_artifacts WHERE key = $4 AND model = 'Grant' AND (expires_at IS NULL OR expires_at > now()))
         RETURNING workspace_id, user_id)
       SELECT ${BINDING_SELECT} FROM c ${bindingJoins('c.workspace_id', 'c.user_id')}`,
      [claims.gid, claims.sub, claims.workspace_id, this.box.digest(`Grant:${claims.gid}`)],
    );
    if (!connection) return undefined;
    return {
      kind: 'agent',
      userId: claims.sub,
      clientId: claims.client_id,
      workspaceId: claims.workspace_id,
      grantId: claims.gid,
      grantedScopes: new Set((claims.scope ?? '').split(' ').filter(isScope)),
      binding: bindingFrom(connection, claims.sub),
    };
  }

  private async keySet(): Promise<JWTVerifyGetKey> {
    if (!this.keys) {
      const jwks = await loadSigningKeys(this.dataSource, this.box);
      // Only the public halves are needed to verify.
      const publicKeys = jwks.keys.map(({ d: _d, ...pub }) => pub);
      this.keys = createLocalJWKSet({ keys: publicKeys });
    }
    return this.keys;
  }
}
