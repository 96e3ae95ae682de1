import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'pst_';

/** `pst_<12 hex lookup id>_<43 chars of secret>`: the id finds the row, the whole token is hashed. */
export function generateApiKeyToken(): { token: string; prefix: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `${PREFIX}${id}_${secret}`, prefix: `${PREFIX}${id}` };
}

const PREFIX_SHAPE = 'pst_[0-9a-f]{12}';
const TOKEN_PATTERN = new RegExp(`^(${PREFIX_SHAPE})_[A-Za-z0-9_-]{43}$`);
const PREFIX_PATTERN = new RegExp(`^${PREFIX_SHAPE}$`);

export function parseApiKeyToken(token: string): { prefix: string } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { prefix: match[1] } : undefined;
}

/** Whether `value` is a key's public prefix (`pst_` and its 12 hex lookup id), as lists show it. */
export function isApiKeyPrefix(value: string): boolean {
  return PREFIX_PATTERN.test(value);
}

export function hashApiKeyToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenMatchesHash(token: string, hash: string): boolean {
  const a = Buffer.from(hashApiKeyToken(token), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
