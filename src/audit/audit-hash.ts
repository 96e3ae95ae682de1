import { createHash } from 'node:crypto';
import type { AuditFields } from './audit-record';

/**
 * Deterministic JSON: object keys sorted at every level, no whitespace. Used for the chain hash and
 * the argument digest, so neither depends on how a database or a client orders keys.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** hash_n = SHA-256(chain ‖ seq ‖ prev_hash ‖ canonical fields): editing, dropping or reordering any row breaks the links after it. */
export function chainHash(chain: string, seq: number, prevHash: string, fields: AuditFields): string {
  return createHash('sha256')
    .update(`${chain}\n${seq}\n${prevHash}\n${canonicalJson(fields)}`)
    .digest('hex');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
