import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { AUDIT_FIELD_COLUMNS, type AuditFields } from './audit-record';

/**
 * Deterministic JSON: object keys sorted at every level, no whitespace. Used for the chain hash and
 * the argument digest, so neither depends on how a database or a client orders keys.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  // Plain loops and one string, not entries/filter/map/join: this runs for every audited call.
  if (Array.isArray(value)) {
    // Lists of strings (the scopes of every record) are what JSON.stringify writes for them.
    if (value.every((v) => typeof v === 'string')) return JSON.stringify(value);
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units: locale-independent.
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(key) + ':' + canonicalJson(member);
  }
  return out + '}';
}

/** The columns in canonicalJson's key order, each with its quoted name and colon written once. */
const SORTED_COLUMNS = [...AUDIT_FIELD_COLUMNS].sort().map((column) => [column, `${JSON.stringify(column)}:`] as const);

/**
 * canonicalJson of a record's fields, written in the known column order instead of sorting each
 * record's keys: the writer serialises every audited call, and this takes half the time. The same
 * text for every AuditFields (a unit test holds the two together).
 */
export function canonicalFields(fields: AuditFields): string {
  let out = '{';
  for (const [column, prefix] of SORTED_COLUMNS) {
    const value = fields[column];
    if (value === undefined) continue;
    out += (out.length > 1 ? ',' : '') + prefix + canonicalJson(value);
  }
  return out + '}';
}

/**
 * The key of the chain hashes, derived from SECRET_KEY (which the database never holds): someone
 * who can write the database but not read the key cannot rewrite a record and re-link what follows.
 */
export function auditChainKey(secretKey: string | undefined): Buffer {
  if (!secretKey) throw new Error('the audit chain needs SECRET_KEY');
  return Buffer.from(hkdfSync('sha256', secretKey, 'postern', 'mac:audit-chain', 32));
}

/** hash_n = HMAC-SHA-256(key; chain ‖ seq ‖ prev_hash ‖ canonical fields): editing, dropping or reordering any row breaks the links after it. */
export function chainHash(key: Buffer, chain: string, seq: number, prevHash: string, fields: AuditFields): string {
  return chainHashOfCanonical(key, chain, seq, prevHash, canonicalFields(fields));
}

/** chainHash for fields already in canonical form (the writer stores that same text). */
export function chainHashOfCanonical(
  key: Buffer,
  chain: string,
  seq: number,
  prevHash: string,
  canonicalFields: string,
): string {
  return createHmac('sha256', key).update(`${chain}\n${seq}\n${prevHash}\n${canonicalFields}`).digest('hex');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
