import type { Request } from 'express';
import { OAuthTokenVerifier } from '../oauth/oauth-token-verifier.service';
import type { Principal } from './actor';
import type { ApiKeysService } from './api-keys/api-keys.service';

/** The token of an `Authorization: Bearer <token>` header, or undefined for anything else. */
export function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/**
 * The principal a bearer token stands for: an OAuth access token (accepted at /mcp only, its
 * audience; `onMcp` says whether this request is there) or an API key. Undefined for anything
 * else; a dead credential names itself on the call's audit draft.
 */
export function principalOfBearer(
  token: string,
  onMcp: boolean,
  apiKeys: ApiKeysService,
  tokens: OAuthTokenVerifier,
): Promise<Principal | undefined> {
  if (!OAuthTokenVerifier.looksLikeJwt(token)) return apiKeys.authenticate(token);
  return onMcp ? tokens.verify(token) : Promise.resolve(undefined);
}
