import { canonicalJson } from './audit-hash';
import { previewOf, shapeOf } from './args-preview';

describe(shapeOf.name, () => {
  it('turns scalars into their type, and strings into their length', () => {
    expect(shapeOf('hello')).toBe('string(5)');
    expect(shapeOf('')).toBe('string(0)');
    expect(shapeOf(42)).toBe('number');
    expect(shapeOf(false)).toBe('boolean');
    expect(shapeOf(null)).toBe('null');
    expect(shapeOf(undefined)).toBe('null');
  });

  it('shapes an object member by member', () => {
    expect(shapeOf({ name: 'claude', labels: ['workspace:read'], ttl: 90, on: true })).toEqual({
      name: 'string(6)',
      labels: ['array(1)', 'string(14)'],
      ttl: 'number',
      on: 'boolean',
    });
  });

  it('gives an array its length and the shape of its first element', () => {
    expect(shapeOf([])).toBe('array(0)');
    expect(shapeOf([{ a: 'xy' }, { b: 1 }])).toEqual(['array(2)', { a: 'string(2)' }]);
    expect(shapeOf([[1, 2, 3]])).toEqual(['array(1)', ['array(3)', 'number']]);
  });

  it('keeps an object id under an id name, and only that', () => {
    const id = '0b7e8c2e-5d1a-4c7e-9f3e-2a6b1c9d8e7f';
    expect(shapeOf({ id, post_id: id.toUpperCase(), userId: id, draft_id: 'not-a-uuid', note: id })).toEqual({
      id,
      post_id: id,
      userId: id,
      draft_id: 'string(10)',
      note: 'string(36)',
    });
    // A list of ids keeps its shape: the first element is no id name.
    expect(shapeOf({ social_account_ids: [id] })).toEqual({ social_account_ids: ['array(1)', 'string(36)'] });
  });

  it('never contains a value, at any depth', () => {
    const secrets = ['pst_0123456789ab_supersecret', 'alice@example.com', 'Launch day!', 'v3ry-private'];
    const args = {
      token: secrets[0],
      people: [{ email: secrets[1], notes: [secrets[2]] }],
      deep: { a: { b: { c: secrets[3] } } },
      pin: 424242,
    };
    const text = canonicalJson(shapeOf(args));
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toContain('424242');
    expect(text).toBe(
      '{"deep":{"a":{"b":{"c":"string(12)"}}},"people":["array(1)",{"email":"string(17)","notes":["array(1)","string(11)"]}],"pin":"number","token":"string(28)"}',
    );
  });

  it('stops descending at depth 4, keeping only the container kind', () => {
    expect(shapeOf({ a: { b: { c: { d: { e: 'x' } } } } })).toEqual({ a: { b: { c: { d: 'object' } } } });
    expect(shapeOf({ a: { b: { c: { d: ['x', 'y'] } } } })).toEqual({ a: { b: { c: { d: 'array(2)' } } } });
    // Strings and numbers below the limit are still only shapes.
    expect(shapeOf({ a: { b: { c: { d: 'secret' } } } })).toEqual({ a: { b: { c: { d: 'string(6)' } } } });
  });

  it('counts array nesting towards the depth limit', () => {
    expect(shapeOf([[[[['deep']]]]])).toEqual(['array(1)', ['array(1)', ['array(1)', ['array(1)', 'array(1)']]]]);
  });

  it('keeps at most 50 keys of an object', () => {
    const wide = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]));
    const shape = shapeOf(wide) as Record<string, unknown>;
    expect(Object.keys(shape)).toHaveLength(50);
    expect(Object.keys(shape)).toEqual(Object.keys(wide).slice(0, 50));
    expect(Object.values(shape).every((v) => v === 'number')).toBe(true);
  });

  it('cuts keys to 64 characters', () => {
    const shape = shapeOf({ ['k'.repeat(100)]: 'v' }) as Record<string, unknown>;
    expect(Object.keys(shape)).toEqual(['k'.repeat(64)]);
  });

  it('keeps the scopes and bundles of the catalogue under scopes, and only the shape of anything else', () => {
    const secret = 'pst_0123456789ab_supersecretsupersecret';
    const shape = shapeOf({ scopes: ['posts:read', 'ai-publishing-assistant', 'posts:reed', secret] });
    expect(shape).toEqual({
      scopes: ['array(4)', 'posts:read', 'ai-publishing-assistant', 'string(10)', `string(${secret.length})`],
    });
    expect(canonicalJson(shape)).not.toContain(secret);
    // One value, as a console form posts it.
    expect(shapeOf({ scope: 'media:read', bundle: 'campaign-operator', preset: 'nope' })).toEqual({
      scope: 'media:read',
      bundle: 'campaign-operator',
      preset: 'string(4)',
    });
  });

  it('keeps roles, tool names, key statuses and audit_access, each only from its own vocabulary', () => {
    expect(
      shapeOf({
        role: 'admin',
        previous_role: 'owner',
        tools: ['list_posts', 'rm_everything'],
        status: 'revoked',
        audit_access: true,
        auditAccess: 'true',
      }),
    ).toEqual({
      role: 'admin',
      previous_role: 'owner',
      tools: ['array(2)', 'list_posts', 'string(13)'],
      status: 'revoked',
      audit_access: true,
      auditAccess: 'true',
    });
    // A value of another vocabulary, or no vocabulary, is only a shape.
    expect(
      shapeOf({ role: 'superuser', scopes: 'owner', tools: ['posts:read'], status: 'published', audit_access: 'yes' }),
    ).toEqual({
      role: 'string(9)',
      scopes: 'string(5)',
      tools: ['array(1)', 'string(10)'],
      status: 'string(9)',
      audit_access: 'string(3)',
    });
  });

  it('keeps a catalogue value only under the name of its vocabulary', () => {
    expect(shapeOf({ name: 'posts:read', text: 'owner', on: false, list: ['list_posts'] })).toEqual({
      name: 'string(10)',
      text: 'string(5)',
      on: 'boolean',
      list: ['array(1)', 'string(10)'],
    });
  });

  it('keeps a list of catalogue values within the depth limit only', () => {
    expect(shapeOf({ a: { b: { scopes: ['posts:read'] } } })).toEqual({
      a: { b: { scopes: ['array(1)', 'posts:read'] } },
    });
    expect(shapeOf({ a: { b: { c: { scopes: ['posts:read'] } } } })).toEqual({
      a: { b: { c: { scopes: 'array(1)' } } },
    });
  });
});

describe(previewOf.name, () => {
  const id = '0b7e8c2e-5d1a-4c7e-9f3e-2a6b1c9d8e7f';

  it('adds what the change named under result, held to the same rules', () => {
    const secret = 'pst_0123456789ab_supersecret';
    const preview = previewOf(
      { body: { name: 'k4', scopes: ['posts:read'] } },
      { key_id: id, scopes: ['posts:read'], audit_access: false, token: secret, email: 'a@example.com' },
    );
    expect(preview).toEqual({
      body: { name: 'string(2)', scopes: ['array(1)', 'posts:read'] },
      result: {
        key_id: id,
        scopes: ['array(1)', 'posts:read'],
        audit_access: false,
        token: 'string(28)',
        email: 'string(13)',
      },
    });
    expect(canonicalJson(preview)).not.toContain(secret);
  });

  it('keeps a connection’s grant and client ids under result only', () => {
    const grant = 'x3Jq0yJ9b2Vq3Pq8m7kQ1wR5t6Y9u0I2o4P7a8S1d3F';
    const client = 'https://client.example/metadata.json';
    expect(previewOf({ grant_id: grant, client_id: client }, { grant_id: grant, client_id: client })).toEqual({
      grant_id: 'string(43)',
      client_id: `string(${client.length})`,
      result: { grant_id: grant, client_id: client },
    });
    expect(previewOf(undefined, { grant_id: 'two words', client_id: 'a\u202eb' })).toEqual({
      result: { grant_id: 'string(9)', client_id: 'string(3)' },
    });
  });

  it('leaves out an argument named result, so a caller cannot write one in', () => {
    expect(previewOf({ note: 'x', result: { key_id: id } })).toEqual({ note: 'string(1)' });
    expect(previewOf({ result: { key_id: id } }, { user_id: id })).toEqual({ result: { user_id: id } });
    expect(previewOf({ result: 'x' })).toBeUndefined();
  });

  it('shows a result without arguments, and nothing when there is neither', () => {
    expect(previewOf(undefined, { user_id: id, role: 'owner' })).toEqual({ result: { user_id: id, role: 'owner' } });
    expect(previewOf(undefined)).toBeUndefined();
    expect(previewOf({})).toBeUndefined();
    expect(previewOf(['x'], { user_id: id })).toEqual({
      arguments: ['array(1)', 'string(1)'],
      result: { user_id: id },
    });
    expect(previewOf(null)).toBe('null');
  });
});
