import { createHash, createHmac } from 'node:crypto';
import { auditChainKey, canonicalFields, canonicalJson, chainHash, sha256 } from './audit-hash';
import { AUDIT_FIELD_COLUMNS, GENESIS_HASH, type AuditFields } from './audit-record';

const FIELDS: AuditFields = {
  occurred_at: '2026-01-02T03:04:05.678Z',
  correlation_id: 'req-1',
  surface: 'rest',
  actor_kind: 'api_key',
  user_id: '11111111-1111-4111-8111-111111111111',
  client_id: null,
  key_id: '22222222-2222-4222-8222-222222222222',
  workspace_id: '33333333-3333-4333-8333-333333333333',
  operation: 'POST /api/v1/keys',
  scopes_required: [],
  scopes_presented: ['workspace:read'],
  decision: 'allowed',
  reason: null,
  approval_id: null,
  idempotency_key: null,
  args_digest: 'a'.repeat(64),
  args_preview: '{"body":{"name":"string(3)"}}',
  outcome: 'ok',
  error_code: null,
  duration_ms: 12,
};

/** A different value of the same type for every field, so each change is a plausible edit. */
const EDITS: { [K in keyof AuditFields]: AuditFields[K] } = {
  occurred_at: '2026-01-02T03:04:05.679Z',
  correlation_id: 'req-2',
  surface: 'mcp',
  actor_kind: 'user',
  user_id: null,
  client_id: 'client',
  key_id: null,
  workspace_id: null,
  operation: 'GET /innocent',
  scopes_required: ['posts:publish'],
  scopes_presented: [],
  decision: 'denied',
  reason: 'edited',
  approval_id: 'approval',
  idempotency_key: 'idem',
  args_digest: 'b'.repeat(64),
  args_preview: '{"body":{"name":"string(4)"}}',
  outcome: 'error',
  error_code: 'forbidden',
  duration_ms: 13,
};

describe(canonicalJson.name, () => {
  it('sorts keys at every depth, inside arrays too, with no whitespace', () => {
    const value = { b: 1, a: { d: [{ z: 1, y: { q: 2, p: 3 } }], c: 'x' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[{"y":{"p":3,"q":2},"z":1}]},"b":1}');
  });

  it('gives the same text whatever order the keys were inserted in', () => {
    const one = { workspace_id: 'w', operation: 'op', nested: { b: [1, 2], a: null } };
    const two = { nested: { a: null, b: [1, 2] }, operation: 'op', workspace_id: 'w' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalJson(one)).toBe(canonicalJson(JSON.parse(JSON.stringify(two))));
  });

  it('keeps array order, which carries meaning', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('drops undefined object members at every depth but keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: { d: undefined, e: 1 } })).toBe('{"b":null,"c":{"e":1}}');
    expect(canonicalJson({ a: undefined })).toBe(canonicalJson({}));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });

  it('writes a top-level or array-element undefined as null', () => {
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });

  it('escapes strings and keys as JSON does, so the output parses back', () => {
    const value = { 'quo"te': 'line\nbreak', '\u00e9': '\\' };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it('sorts keys by code unit, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, _: 4 })).toBe('{"B":2,"_":4,"a":3,"b":1}');
  });

  it('is stable across calls', () => {
    expect(canonicalJson(FIELDS)).toBe(canonicalJson({ ...FIELDS }));
  });

  it('writes exactly what the plain definition writes, for many random values', () => {
    // The definition the chain was specified with; canonicalJson is a faster spelling of it.
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
    };
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys = ['a', 'B', '_', 'b', 'é', 'a b', '"q"', '10', '9', ''];
    const random = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.3)
        return [null, undefined, 0, -1.5, 1e21, true, 'x', 'line\n"é"', ''][Math.floor(next() * 9)];
      if (r < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => random(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 5) }, () => [
          keys[Math.floor(next() * keys.length)],
          random(depth + 1),
        ]),
      );
    };
    for (let i = 0; i < 2000; i++) {
      const value = random(0);
      expect(canonicalJson(value)).toBe(reference(value));
    }
    expect(canonicalJson(FIELDS)).toBe(reference(FIELDS));
  });
});

describe(canonicalFields.name, () => {
  it('knows every field of a record: the column list is complete', () => {
    expect([...AUDIT_FIELD_COLUMNS].sort()).toEqual(Object.keys(EDITS).sort());
  });

  it('writes what canonicalJson writes, for a record and for every edit of each field', () => {
    expect(canonicalFields(FIELDS)).toBe(canonicalJson(FIELDS));
    for (const field of Object.keys(EDITS) as (keyof AuditFields)[]) {
      const edited = { ...FIELDS, [field]: EDITS[field] };
      expect(canonicalFields(edited)).toBe(canonicalJson(edited));
    }
  });

  it('writes what canonicalJson writes for awkward text, in any key order', () => {
    const odd = ['', '"', '\\', '\u2028', '\u0000', 'é', '😀', '\uFFFD', '</script>'];
    for (const text of odd) {
      const fields = Object.fromEntries(
        Object.entries({ ...FIELDS, reason: text, operation: text, scopes_presented: [text, 'a'] }).reverse(),
      ) as unknown as AuditFields;
      expect(canonicalFields(fields)).toBe(canonicalJson(fields));
    }
  });
});

describe(chainHash.name, () => {
  const KEY = auditChainKey('a secret key of at least thirty-two characters');
  const base = chainHash(KEY, 'ws', 7, GENESIS_HASH, FIELDS);

  it('is 64 lower-case hex characters and deterministic', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(KEY, 'ws', 7, GENESIS_HASH, { ...FIELDS })).toBe(base);
  });

  it('does not depend on the order of the fields', () => {
    const reversed = Object.fromEntries(Object.entries(FIELDS).reverse()) as unknown as AuditFields;
    expect(chainHash(KEY, 'ws', 7, GENESIS_HASH, reversed)).toBe(base);
  });

  it.each(Object.keys(EDITS) as (keyof AuditFields)[])('changes when %s changes', (field) => {
    expect(EDITS[field]).not.toEqual(FIELDS[field]);
    expect(chainHash(KEY, 'ws', 7, GENESIS_HASH, { ...FIELDS, [field]: EDITS[field] })).not.toBe(base);
  });

  it('covers every field of a record', () => {
    expect(Object.keys(EDITS).sort()).toEqual(Object.keys(FIELDS).sort());
  });

  it('changes when a scope list is reordered', () => {
    const two = { ...FIELDS, scopes_presented: ['posts:read', 'workspace:read'] };
    const swapped = { ...FIELDS, scopes_presented: ['workspace:read', 'posts:read'] };
    expect(chainHash(KEY, 'ws', 7, GENESIS_HASH, two)).not.toBe(chainHash(KEY, 'ws', 7, GENESIS_HASH, swapped));
  });

  it('changes with the sequence number', () => {
    expect(chainHash(KEY, 'ws', 8, GENESIS_HASH, FIELDS)).not.toBe(base);
  });

  it('changes with the chain', () => {
    expect(chainHash(KEY, 'global', 7, GENESIS_HASH, FIELDS)).not.toBe(base);
  });

  it('changes with the previous hash', () => {
    expect(chainHash(KEY, 'ws', 7, `${'0'.repeat(63)}1`, FIELDS)).not.toBe(base);
  });

  it('is HMAC-SHA-256, keyed from SECRET_KEY, over chain, seq, previous hash and canonical fields', () => {
    const expected = createHmac('sha256', KEY)
      .update(`ws\n7\n${GENESIS_HASH}\n${canonicalJson(FIELDS)}`)
      .digest('hex');
    expect(base).toBe(expected);
    expect(
      createHash('sha256')
        .update(`ws\n7\n${GENESIS_HASH}\n${canonicalJson(FIELDS)}`)
        .digest('hex'),
    ).not.toBe(base);
  });

  it('changes with the key: without SECRET_KEY, a rewritten record cannot be re-linked', () => {
    const other = auditChainKey('another secret key of at least thirty-two characters');
    expect(chainHash(other, 'ws', 7, GENESIS_HASH, FIELDS)).not.toBe(base);
  });
});

describe(sha256.name, () => {
  it('is the hex SHA-256 of the text', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
