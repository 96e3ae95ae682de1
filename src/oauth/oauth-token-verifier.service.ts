import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createLocalJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { DataSource } from 'typeorm';
import type { Principal } from '../access/actor';
import { isScope } from '../access/scopes';
import { bindingFrom } from '../access/workspace-binding';
import { SecretBox } from '../common/crypto/secret-box';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { loadSigningKeys } from './oauth-signing-keys';
import { oauthUrls } from './oauth-urls';
import { poolQuery } from '../database/pool-query';
import { OAuthConnectionLookup, type ConnectionKey } from './oauth-connection-lookup';
import { stampLastUsed } from '../access/last-used';
import { AuditContext, type RefusedCredential } from '../audit/audit-context';

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
    private readonly connections: OAuthConnectionLookup,
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
    } catch (err) {
      // jose checks the signature, the header, issuer and audience before the time, so an expired
      // token is one of ours: its workspace's admins see which agent still presents it.
      if (err instanceof errors.JWTExpired) {
        const { workspace_id, sub, client_id } = err.payload as AccessTokenClaims;
        if (typeof workspace_id === 'string' && typeof sub === 'string' && typeof client_id === 'string')
          return refused(workspace_id, { kind: 'agent', userId: sub, clientId: client_id }, 'the access token expired');
      }
      return undefined;
    }
    if (!claims.sub || !claims.client_id || !claims.workspace_id || !claims.gid) return undefined;
    // The connection must be live and its grant still held by the authorization server: revoking
    // a refresh token, reusing a rotated one, or revoking in the console all end the grant.
    // The same statement reads the workspace binding (as the API key lookup does), so the
    // resolve-workspace guard needs no round trip of its own; the role only counts for an active user.
    const key: ConnectionKey = {
      grantId: claims.gid,
      userId: claims.sub,
      workspaceId: claims.workspace_id,
      grantKey: this.box.digest(`Grant:${claims.gid}`),
    };
    const connection = await this.connections.find(key);
    // The claims are signed by this server: the workspace and agent they name are the token's own.
    const agent: RefusedCredential = { kind: 'agent', userId: claims.sub, clientId: claims.client_id };
    if (!connection) return refused(claims.workspace_id, agent, 'the agent connection was revoked or its grant ended');
    if (connection.grant_expires_at && connection.grant_expires_at.getTime() <= Date.now())
      return refused(claims.workspace_id, agent, 'the agent connection expired');
    stampLastUsed(
      connection.last_used_at,
      (at) => this.connections.noteUsed(key, at),
      (at) =>
        poolQuery(this.dataSource, 'UPDATE oauth_connections SET last_used_at = $2 WHERE grant_id = $1', [
          key.grantId,
          at,
        ]),
    );
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

/** No principal; the refusal is filed under the workspace the dead credential belonged to. */
function refused(workspaceId: string, credential: RefusedCredential, why: string): undefined {
  AuditContext.refusedCredential(workspaceId, credential, why);
  return undefined;
}
