import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'pst_';

/** `pst_<12 hex lookup id>_<43 chars of secret>`: the id finds the row, the whole token is hashed. */
export function generateApiKeyToken(): { token: string; prefix: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `${PREFIX}${id}_${secret}`, prefix: `${PREFIX}${id}` };
}

export function parseApiKeyToken(token: string): { prefix: string } | undefined {
  const match = /^(pst_[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/.exec(token);
  return match ? { prefix: match[1] } : undefined;
}

export function hashApiKeyToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenMatchesHash(token: string, hash: string): boolean {
  const a = Buffer.from(hashApiKeyToken(token), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
