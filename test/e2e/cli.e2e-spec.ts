import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl } from '../support/test-config';
import { cleanEnv, runCli } from '../support/processes';

describe('postern CLI', () => {
  jest.setTimeout(120_000);
  const env = cleanEnv({ DATABASE_URL: databaseUrl(), SECRET_KEY: randomBytes(32).toString('base64url') });
  const id = randomUUID().slice(0, 8);
  const email = `cli-${id}@example.com`;
  const slug = `cli-${id}`;

  const ok = async (args: string[], input?: string) => {
    const r = await runCli(args, env, input);
    if (r.status !== 0) throw new Error(`postern ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const runQuery = async (text: string) => {
    const db = new Client({ connectionString: databaseUrl() });
    await db.connect();
    try {
      return await db.query(text);
    } finally {
      await db.end();
    }
  };
  const keys = async () =>
    (await ok(['key', 'list', '--workspace', slug, '--json']))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            prefix: string;
            name: string;
            status: string;
            scopes: string[];
            tools: string[] | null;
            audit_access: boolean;
          },
      );

  it('scripts a whole setup: user, workspace, member, keys, revoke', async () => {
    expect(await ok(['migrate'])).toContain('schema is up to date');
    expect(await ok(['user', 'create', '--email', email, '--password-stdin'], 'a long enough password\n')).toContain(
      email,
    );
    expect(await ok(['workspace', 'create', '--name', 'CLI Test', '--slug', slug, '--owner', email])).toContain(slug);
    const second = `cli2-${id}@example.com`;
    await ok(['user', 'create', '--email', second, '--password', 'another long password']);
    expect(await ok(['member', 'add', '--workspace', slug, '--user', second, '--role', 'editor'])).toContain('editor');
    await ok(['user', 'create', '--email', `cli3-${id}@example.com`, '--password', 'a third long password']);

    const created = await runCli(
      [
        'key',
        'create',
        '--workspace',
        slug,
        '--name',
        'agent',
        '--scopes',
        'read-only-analytics,posts:read',
        '--tools',
        'list_workspaces',
        '--expires',
        '30d',
      ],
      env,
    );
    expect(created.status).toBe(0);
    expect(created.stdout.trim()).toMatch(/^pst_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('not shown again');

    const [listed] = await keys();
    expect(listed).toMatchObject({ name: 'agent', status: 'active', tools: ['list_workspaces'] });
    expect(listed.scopes.sort()).toEqual([
      'analytics:read',
      'posts:read',
      'social_accounts:read',
      'workspace:list',
      'workspace:read',
    ]);
    expect(JSON.stringify(await keys())).not.toContain(created.stdout.trim());

    expect(await ok(['key', 'revoke', '--workspace', slug, '--key', listed.prefix])).toContain('revoked');
    expect((await keys())[0].status).toBe('revoked');
    expect(listed.audit_access).toBe(false);

    // A key that may read the audit trail, for the owner.
    const auditArgs = ['--scopes', 'workspace:read', '--created-by', email, '--audit-access'];
    await ok(['key', 'create', '--workspace', slug, '--name', 'auditor', ...auditArgs]);
    expect((await keys()).find((k) => k.name === 'auditor')).toMatchObject({ audit_access: true });
    expect(await ok(['key', 'list', '--workspace', slug])).toMatch(/auditor {2}\[workspace:read\] {2}\+audit_access/);
    // Newest first; a status keeps only the keys in it.
    expect((await keys()).map((k) => k.name)).toEqual(['auditor', 'agent']);
    const revoked = await ok(['key', 'list', '--workspace', slug, '--status', 'revoked']);
    expect(revoked.trim().split('\n')).toEqual([expect.stringMatching(/ revoked {2}agent /)]);
  });

  it.each([
    [['user', 'create', '--email', 'not-an-email', '--password', 'a long enough password'], /email/],
    [['user', 'create', '--email', `short-${id}@example.com`, '--password', 'short'], /password/],
    [['workspace', 'create', '--name', 'Bad', '--slug', 'Bad Slug!'], /slug/],
    [['member', 'add', '--workspace', 'no-such-workspace', '--user', 'x@example.com', '--role', 'viewer'], /not found/],
    [['member', 'add', '--workspace', 'x', '--user', 'x@example.com', '--role', 'emperor'], /role/],
    [['key', 'create', '--workspace', 'x', '--name', 'k', '--scopes', 'posts:fly'], /not found|unknown scope/],
    [
      ['key', 'create', '--workspace', 'x', '--name', 'k', '--scopes', 'posts:read', '--expires', 'yesterday'],
      /expires/,
    ],
    [['key', 'list'], /workspace/],
    [['key', 'list', '--workspace', 'x', '--status', 'lost'], /status/],
    [['frobnicate'], /unknown command/],
  ])('refuses %j with one line and a non-zero exit', async (args, reason) => {
    const r = await runCli(args, env);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^postern: /);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).not.toMatch(/\s+at .+:\d+:\d+/);
  });

  it.each([
    ['an unknown scope', ['--scopes', 'posts:read,posts:publsh'], 'unknown scope or bundle: posts:publsh'],
    [
      'an unknown tool name',
      ['--scopes', 'workspace:read', '--tools', 'list_workspace'],
      'unknown tools: list_workspace',
    ],
    [
      "a tool the key's scopes do not allow",
      ['--scopes', 'workspace:read', '--tools', 'publish_post'],
      "the key's scopes do not allow these tools: publish_post needs posts:publish",
    ],
    [
      'more than 100 tools',
      ['--scopes', 'workspace:read', '--tools', Array(101).fill('get_workspace').join(',')],
      'tools may name at most 100 tools; 101 given',
    ],
    [
      'a tool named twice',
      ['--scopes', 'workspace:read', '--tools', 'get_workspace,get_workspace'],
      'tools must name each tool once; repeated: get_workspace',
    ],
    [
      'audit_access for a key an editor creates',
      ['--scopes', 'workspace:read', '--created-by', `cli2-${id}@example.com`, '--audit-access'],
      "only a key created by an admin or owner can have audit_access; its creator's role in this workspace is editor",
    ],
    [
      'a creator who is not a member of the workspace',
      ['--scopes', 'workspace:read', '--created-by', `cli3-${id}@example.com`],
      "the credential's owner is not an active member of the workspace",
    ],
  ])('refuses %s without writing a key', async (_what, options, reason) => {
    const before = (await keys()).length;
    const r = await runCli(['key', 'create', '--workspace', slug, '--name', 'refused', ...options], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(reason);
    expect(await keys()).toHaveLength(before);
    // Refused in the workspace's own trail, with the reason.
    const [row] = (
      await runQuery(
        `SELECT a.decision, a.reason FROM audit_records a JOIN workspaces w ON w.id = a.workspace_id
          WHERE w.slug = '${slug}' AND a.operation = 'cli key create' ORDER BY a.id DESC LIMIT 1`,
      )
    ).rows as { decision: string; reason: string }[];
    expect(row).toEqual({
      decision: expect.stringMatching(/^(invalid|denied)$/),
      reason: expect.stringContaining(reason),
    });
  });

  it.each([
    ['a zero-width space in the email', `owner\u200b-${id}@example.com`, 'a long enough password', /email/],
    ['a right-to-left override in the email', `owner\u202e-${id}@example.com`, 'a long enough password', /email/],
    ['a soft hyphen in the domain', `owner-${id}@exam\u00adple.com`, 'a long enough password', /email/],
    ['a password of 12 spaces', `spaces-${id}@example.com`, ' '.repeat(12), /password must not be only spaces/],
    ['a password of six emoji (12 UTF-16 units)', `emoji-${id}@example.com`, '🔑'.repeat(6), /12 to 256 characters/],
  ])('refuses a user with %s, storing no one', async (_what, email, password, reason) => {
    const r = await runCli(['user', 'create', '--email', email, '--password-stdin'], env, `${password}\n`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(reason);
    const stored = await runQuery(`SELECT count(*)::int AS n FROM users WHERE email = '${email.toLowerCase()}'`);
    expect(stored.rows).toEqual([{ n: 0 }]);
  });

  it('counts a password in characters: twelve emoji are enough', async () => {
    const email = `keys-${id}@example.com`;
    expect(await ok(['user', 'create', '--email', email, '--password-stdin'], `${'🔑'.repeat(12)}\n`)).toContain(email);
  });

  it("shows a command's output only once its audit record is committed", async () => {
    const fn = `audit_fail_cli_${id.replace(/-/g, '')}`;
    try {
      await runQuery(
        `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.operation = 'cli key list' THEN RAISE EXCEPTION 'audit store down'; END IF; RETURN NEW; END $$`,
      );
      await runQuery(`CREATE TRIGGER ${fn} BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
      const refused = await runCli(['key', 'list', '--workspace', slug], env);
      expect(refused.status).not.toBe(0);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/^postern: /);
    } finally {
      await runQuery(`DROP TRIGGER IF EXISTS ${fn} ON audit_records`);
      await runQuery(`DROP FUNCTION IF EXISTS ${fn}()`);
    }
    expect(await ok(['key', 'list', '--workspace', slug])).toContain('agent');
    const [row] = (
      await runQuery(`SELECT workspace_id FROM audit_records WHERE operation = 'cli key list' ORDER BY id DESC LIMIT 1`)
    ).rows as { workspace_id: string | null }[];
    expect(row.workspace_id).not.toBeNull();
  });

  it('names every bad variable when the configuration is invalid', async () => {
    const r = await runCli(['key', 'list', '--workspace', slug], { ...env, PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/PORT/);
    expect(r.stderr).toMatch(/LOG_LEVEL/);
  });
});
