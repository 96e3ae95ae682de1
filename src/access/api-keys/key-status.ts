export const KEY_STATUSES = ['active', 'expired', 'revoked'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** Revoked wins over expired: a key revoked before it expired stays "revoked". */
export function keyStatus(k: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): KeyStatus {
  return k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt <= now ? 'expired' : 'active';
}
