import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { BUNDLES } from '../../src/access/scopes';
import { AuditContext } from '../../src/audit/audit-context';
import { AuditModule } from '../../src/audit/audit.module';
import { AppError } from '../../src/common/app-error';
import { ConfigModule } from '../../src/config/config.module';
import type { AppConfig } from '../../src/config/config.types';
import { FIRST_KEY_BUNDLE, SetupService } from '../../src/console/setup/setup.service';
import { SetupModule } from '../../src/console/setup/setup.module';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { UsersService } from '../../src/domain/users/users.service';
import { asOperator } from '../factories';
import { ROOT } from '../support/processes';
import { databaseUrl, testConfig } from '../support/test-config';

/*
 * Setup is only open while the users table is empty, and the suite's database is shared by every
 * test file, so this file gets a private database of its own and empties it before each test:
 *
 * - Against a real PostgreSQL server (CI: DATABASE_URL set, POSTERN_TEST_EMBEDDED unset) it creates a
 *   throwaway database on that server and drops it afterwards, so setup runs on the production engine.
 * - Against the suite's embedded PGlite neither a second database (the socket server serves exactly
 *   one) nor a schema works (PGlite is a single backend, so a `SET search_path` would leak into every
 *   other file's connections), and PGlite cannot start inside a Jest VM. So a child Node process runs
 *   a second in-memory PGlite on an ephemeral port; it exits when we close its stdin, or when we die.
 */
interface PrivateDatabase {
  url: string;
  drop(): Promise<void>;
}

const PGLITE_SERVER = `
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
const db = await PGlite.create({ dataDir: 'memory://' });
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
await server.start();
process.stdout.write(server.getServerConn() + '\\n');
process.stdin.on('end', async () => {
  await server.stop();
  await db.close();
  process.exit(0);
});
process.stdin.resume();
`;

async function startChildPglite(): Promise<PrivateDatabase> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--input-type=module', '-e', PGLITE_SERVER], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`PGlite child did not start in 30 s: ${err}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n');
      if (line.length > 1) {
        clearTimeout(timer);
        resolve(line[0].trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PGlite child exited with ${code}: ${err}`));
    });
  });
  return {
    url: `postgres://postgres:postgres@${address}/postgres`,
    drop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

async function createServerDatabase(serverUrl: string): Promise<PrivateDatabase> {
  const name = `postern_setup_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropFreshlyUsed(dropper, name);
      } finally {
        await dropper.end();
      }
    },
  };
}

/*
 * A plain DROP waits a few seconds for closing sessions and stops an autovacuum worker in the database.
 * WITH (FORCE) is only for a session of ours that outlived its pool: run by a role that is not a
 * superuser (CI's), PostgreSQL 15 refuses FORCE whenever an autovacuum worker happens to be in there.
 */
async function dropFreshlyUsed(dropper: Client, name: string): Promise<void> {
  try {
    await dropper.query(`DROP DATABASE IF EXISTS ${name}`);
  } catch (error) {
    const objectInUse = (error as { code?: string }).code === '55006';
    if (!objectInUse) throw error;
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function migrate(url: string): Promise<void> {
  const ds = new DataSource(dataSourceOptions(url, 1));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

async function setupContext(config: AppConfig, url: string): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      TypeOrmModule.forRoot({ ...dataSourceOptions(url, 2), logging: false }),
      AuditModule,
      SetupModule,
    ],
  })
    .setLogger({ log() {}, error() {}, warn() {} })
    .compile();
  return moduleRef.init();
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const tokenOf = (link: string | undefined) => new URL(link as string).searchParams.get('token') as string;
const PASSWORD = 'correct horse battery staple';
const PUBLIC_URL = 'https://postern.example';

describe(SetupService.name, () => {
  let database: PrivateDatabase | undefined;
  let linkApp: TestingModule | undefined;
  let adminApp: TestingModule | undefined;
  let setup: SetupService;
  let dataSource: DataSource;

  beforeAll(async () => {
    database =
      process.env.POSTERN_TEST_EMBEDDED === '1' ? await startChildPglite() : await createServerDatabase(databaseUrl());
    await migrate(database.url);
    linkApp = await setupContext({ ...testConfig({ PUBLIC_URL }), databaseUrl: database.url }, database.url);
    adminApp = await setupContext(
      {
        ...testConfig({ PUBLIC_URL, POSTERN_ADMIN_EMAIL: 'Owner@Example.com', POSTERN_ADMIN_PASSWORD: PASSWORD }),
        databaseUrl: database.url,
      },
      database.url,
    );
    setup = linkApp.get(SetupService);
    dataSource = linkApp.get<DataSource>(getDataSourceToken());
  }, 60_000);

  // A fresh first run for every test. This database is ours alone, so even the audit trail may go.
  beforeEach(async () => {
    const tables = await dataSource.query<{ tablename: string }[]>(
      `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'migrations'`,
    );
    await dataSource.query(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')}`);
  });

  afterAll(async () => {
    await linkApp?.close();
    await adminApp?.close();
    await database?.drop();
  });

  type Table = 'users' | 'workspaces' | 'memberships' | 'api_keys' | 'setup_tokens' | 'audit_records';
  const count = async (table: Table) => {
    const [row] = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
    return row.n;
  };
  const counts = async () => ({
    users: await count('users'),
    workspaces: await count('workspaces'),
    memberships: await count('memberships'),
    apiKeys: await count('api_keys'),
    auditRecords: await count('audit_records'),
  });
  const auditedAs = async (correlationId: string) =>
    dataSource.query<{ operation: string; surface: string; outcome: string }[]>(
      'SELECT operation, surface, outcome FROM audit_records WHERE correlation_id = $1',
      [correlationId],
    );
  const tokenRow = async (token: string) => {
    const rows = await dataSource.query<{ expires_at: Date; used_at: Date | null }[]>(
      'SELECT expires_at, used_at FROM setup_tokens WHERE token_hash = $1',
      [sha256(token)],
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  };
  const input = { email: 'First.Owner@Example.com', password: PASSWORD, workspaceName: 'Acme Social' };
  /** The setup form's POST as the audit middleware opens it: a console call with its own correlation id. */
  const submit = (token: string, form = input, correlationId = randomUUID()) =>
    AuditContext.run(AuditContext.start('console', 'POST /console/setup', correlationId), () =>
      setup.complete(token, form),
    );
  const apiKeys = () => (linkApp as TestingModule).get(ApiKeysService);
  const users = () => (linkApp as TestingModule).get(UsersService);

  describe('prepare', () => {
    it('creates the owner and the "default" workspace from POSTERN_ADMIN_* and prints no link', async () => {
      const adminSetup = (adminApp as TestingModule).get(SetupService);

      await expect(adminSetup.prepare()).resolves.toBeUndefined();

      const owners = await dataSource.query<{ id: string; email: string; password_hash: string }[]>(
        'SELECT id, email, password_hash FROM users',
      );
      expect(owners).toEqual([
        { id: expect.any(String), email: 'owner@example.com', password_hash: expect.stringMatching(/^\$argon2id\$/) },
      ]);
      const workspaces = await dataSource.query<{ id: string; slug: string; name: string }[]>(
        'SELECT id, slug, name FROM workspaces',
      );
      expect(workspaces).toEqual([{ id: expect.any(String), slug: 'default', name: 'Default' }]);
      expect(await dataSource.query('SELECT workspace_id, user_id, role FROM memberships')).toEqual([
        { workspace_id: workspaces[0].id, user_id: owners[0].id, role: 'owner' },
      ]);
      expect(await count('setup_tokens')).toBe(0);
      expect(await dataSource.query('SELECT operation, surface, outcome FROM audit_records')).toEqual([
        { operation: 'cli serve first-run setup', surface: 'cli', outcome: 'ok' },
      ]);

      // A restart with the same environment finds the owner and does nothing.
      const after = await counts();
      await expect(adminSetup.prepare()).resolves.toBeUndefined();
      await expect(setup.prepare()).resolves.toBeUndefined();
      expect(await counts()).toEqual(after);
      expect(after).toMatchObject({ users: 1, workspaces: 1, memberships: 1, apiKeys: 0 });
      expect(await count('setup_tokens')).toBe(0);
    });

    it('without an admin, prints a link whose token is stored only as a hash and stays valid until used', async () => {
      const before = Date.now();
      const link = await setup.prepare();

      expect(link).toMatch(/^https:\/\/postern\.example\/console\/setup\?token=[A-Za-z0-9_-]{43}$/);
      const token = tokenOf(link);
      const row = await tokenRow(token);
      expect(row.used_at).toBeNull();
      // SETUP_TOKEN_TTL_MINUTES defaults to 60.
      expect(row.expires_at.getTime()).toBeGreaterThanOrEqual(before + 60 * 60_000 - 1000);
      expect(row.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 1000);
      const stored = await dataSource.query<Record<string, unknown>[]>('SELECT * FROM setup_tokens');
      expect(JSON.stringify(stored)).not.toContain(token);

      // Checking a token never consumes it.
      await expect(setup.tokenValid(token)).resolves.toBe(true);
      await expect(setup.tokenValid(token)).resolves.toBe(true);
      expect(await counts()).toMatchObject({ users: 0, workspaces: 0, memberships: 0, apiKeys: 0 });
    });

    it('retires the previous link when it prints a new one', async () => {
      const first = tokenOf(await setup.prepare());
      const second = tokenOf(await setup.prepare());
      expect(second).not.toBe(first);

      await expect(setup.tokenValid(first)).resolves.toBe(false);
      await expect(setup.tokenValid(second)).resolves.toBe(true);
      expect((await tokenRow(first)).used_at).toBeInstanceOf(Date);
      const before = await counts();
      await expect(submit(first)).rejects.toMatchObject({ code: 'setup_token_invalid' });
      expect(await counts()).toEqual(before);

      await expect(submit(second)).resolves.toMatchObject({ email: 'first.owner@example.com' });
    });
  });

  describe('complete', () => {
    it('creates the owner, the workspace and a first key that authenticates, and consumes the link', async () => {
      const token = tokenOf(await setup.prepare());
      const before = await counts();
      const correlationId = randomUUID();

      const result = await submit(token, input, correlationId);

      expect(result).toEqual({
        email: 'first.owner@example.com',
        workspaceSlug: 'acme-social',
        apiKey: expect.stringMatching(/^pst_/),
      });
      const [user] = await dataSource.query<{ id: string }[]>('SELECT id FROM users WHERE email = $1', [result.email]);
      const [workspace] = await dataSource.query<{ id: string; name: string }[]>(
        'SELECT id, name FROM workspaces WHERE slug = $1',
        [result.workspaceSlug],
      );
      expect(workspace.name).toBe('Acme Social');
      expect(await dataSource.query('SELECT workspace_id, user_id, role FROM memberships')).toEqual([
        { workspace_id: workspace.id, user_id: user.id, role: 'owner' },
      ]);
      expect(await counts()).toEqual({
        users: 1,
        workspaces: 1,
        memberships: 1,
        apiKeys: 1,
        auditRecords: before.auditRecords + 1,
      });
      // The change carries its audit record, written in its own transaction.
      expect(await auditedAs(correlationId)).toEqual([
        { operation: 'POST /console/setup', surface: 'console', outcome: 'ok' },
      ]);

      const principal = await apiKeys().authenticate(result.apiKey);
      expect(principal).toMatchObject({ kind: 'api_key', workspaceId: workspace.id, userId: user.id });
      expect(principal?.grantedScopes).toEqual(new Set(BUNDLES[FIRST_KEY_BUNDLE].scopes));

      expect((await tokenRow(token)).used_at).toBeInstanceOf(Date);
      await expect(setup.tokenValid(token)).resolves.toBe(false);
      // Setup is closed for good: no new link either.
      await expect(setup.prepare()).resolves.toBeUndefined();
      expect(await count('setup_tokens')).toBe(1);
    });

    it('refuses the same link a second time and writes nothing', async () => {
      const token = tokenOf(await setup.prepare());
      await submit(token);
      const after = await counts();
      const correlationId = randomUUID();

      const again = submit(
        token,
        { email: 'second@example.com', password: PASSWORD, workspaceName: 'Second' },
        correlationId,
      );

      await expect(again).rejects.toBeInstanceOf(AppError);
      await expect(again).rejects.toMatchObject({ code: 'setup_token_invalid' });
      expect(await counts()).toEqual(after);
      expect(await auditedAs(correlationId)).toEqual([]);
      expect(await users().findByEmail('second@example.com')).toBeNull();
    });

    it.each([
      ['a NUL in the email', { email: 'first\u0000owner@example.com' }, 'email'],
      ['an email longer than 254 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(189)}.com` }, 'email'],
      ['a NUL in the workspace name', { workspaceName: 'Acme\u0000Social' }, 'name'],
    ])('refuses %s as invalid, writes nothing and keeps the link', async (_what, change, field) => {
      const token = tokenOf(await setup.prepare());
      const before = await counts();
      await expect(submit(token, { ...input, ...change })).rejects.toMatchObject({
        code: 'validation_failed',
        details: [expect.objectContaining({ field })],
      });
      expect(await counts()).toEqual(before);
      await expect(submit(token)).resolves.toMatchObject({ email: 'first.owner@example.com' });
    });

    it('lets only one of two simultaneous submissions of a link win', async () => {
      const token = tokenOf(await setup.prepare());

      const results = await Promise.allSettled([
        submit(token, { ...input, email: 'racer-a@example.com', workspaceName: 'Racer A' }),
        submit(token, { ...input, email: 'racer-b@example.com', workspaceName: 'Racer B' }),
      ]);

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0].reason).toMatchObject({ code: 'setup_token_invalid' });
      expect(await counts()).toMatchObject({ users: 1, workspaces: 1, memberships: 1, apiKeys: 1 });
    });

    it('refuses an expired link and leaves it unused', async () => {
      const token = tokenOf(await setup.prepare());
      await dataSource.query(`UPDATE setup_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`, [
        sha256(token),
      ]);
      const before = await counts();

      await expect(setup.tokenValid(token)).resolves.toBe(false);
      await expect(submit(token)).rejects.toMatchObject({ code: 'setup_token_invalid' });

      expect(await counts()).toEqual(before);
      expect((await tokenRow(token)).used_at).toBeNull();
    });

    it('refuses a token that was never issued, and malformed ones', async () => {
      await setup.prepare();
      const unknown = randomBytes(32).toString('base64url');
      const before = await counts();

      await expect(setup.tokenValid(unknown)).resolves.toBe(false);
      await expect(submit(unknown)).rejects.toMatchObject({ code: 'setup_token_invalid' });
      for (const malformed of ['', 'x', `${unknown}=`, unknown.slice(1)]) {
        await expect(setup.tokenValid(malformed)).resolves.toBe(false);
      }
      expect(await counts()).toEqual(before);
    });

    it('fails on a bad password and leaves the link usable and no user behind', async () => {
      const token = tokenOf(await setup.prepare());
      const before = await counts();

      const attempt = submit(token, { ...input, password: 'too short' });

      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toMatchObject({
        code: 'validation_failed',
        details: [{ field: 'password', issue: 'length' }],
      });
      expect(await counts()).toEqual(before);
      expect((await tokenRow(token)).used_at).toBeNull();
      await expect(setup.tokenValid(token)).resolves.toBe(true);

      // The person fixes the password and the same link still works.
      await expect(submit(token)).resolves.toMatchObject({ workspaceSlug: 'acme-social' });
    });

    it('rolls back the owner it already inserted when a later step fails', async () => {
      const token = tokenOf(await setup.prepare());
      const before = await counts();

      // The user row is written before the workspace name is checked.
      await expect(submit(token, { ...input, workspaceName: '   ' })).rejects.toMatchObject({
        code: 'validation_failed',
        details: [{ field: 'name', issue: 'length' }],
      });

      expect(await counts()).toEqual(before);
      expect(await users().findByEmail(input.email)).toBeNull();
      expect((await tokenRow(token)).used_at).toBeNull();
      await expect(setup.tokenValid(token)).resolves.toBe(true);
    });

    it('closes once a user exists by other means, without spending the link', async () => {
      const token = tokenOf(await setup.prepare());
      await asOperator('user create', () => users().create({ email: 'cli-made@example.com', password: PASSWORD }));
      const before = await counts();

      await expect(setup.tokenValid(token)).resolves.toBe(false);
      await expect(submit(token)).rejects.toMatchObject({ code: 'setup_token_invalid' });

      expect(await counts()).toEqual(before);
      expect(before).toMatchObject({ users: 1, workspaces: 0, memberships: 0, apiKeys: 0 });
      expect((await tokenRow(token)).used_at).toBeNull();
    });
  });
});
