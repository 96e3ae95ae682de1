import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ALL_SCOPES } from '../../src/access/scopes';
import { APP_CONFIG, type AppConfig } from '../../src/config/config.types';
import { buildUser, buildWorkspaceWithKey } from '../factories';
import { useAppWithBrowser } from '../support/app-with-browser';
import { signInForm } from '../support/console-sign-in';
import { connectMcp } from '../support/mcp-client';
import { codeExchangeBody, consentedCode, type TokenResponse } from '../support/oauth-consent';
import { mcpRequest, tokenRequest } from '../support/oauth-protocol';
import { cleanEnv, runCli } from '../support/processes';
import { callRest } from '../support/rest-client';
import { databaseUrl } from '../support/test-config';

const PASSWORD = 'a long enough password';
const NEW_PASSWORD = 'a different long passphrase';

/**
 * An operator offboarding a person with the CLI while the server runs: every way that person acts
 * (console, their API key, their AI client's connection) stops on its next request, the change and
 * its record commit together, and re-enabling restores what was only suspended.
 */
describe('postern user disable / enable / set-password against a running server', () => {
  jest.setTimeout(180_000);
  const run = useAppWithBrowser();
  const cli = (args: string[], input?: string) =>
    runCli(
      args,
      cleanEnv({ DATABASE_URL: databaseUrl(), SECRET_KEY: run.t.app.get<AppConfig>(APP_CONFIG).secretKey }),
      input,
    );
  const db = () => run.t.app.get(DataSource);

  const now = async () => (await db().query<{ t: Date }[]>(`SELECT now() AS t`))[0].t;
  /** The CLI's records of these commands since a moment: operation, decision, outcome, error code, reason, result. */
  const cliRecords = async (since: Date, operations: string[]) =>
    (
      await db().query<
        {
          operation: string;
          decision: string;
          outcome: string;
          error_code: string | null;
          reason: string | null;
          args_preview: string | null;
        }[]
      >(
        `SELECT operation, decision, outcome, error_code, reason, args_preview FROM audit_records
          WHERE surface = 'cli' AND operation = ANY($1) AND occurred_at >= $2 ORDER BY occurred_at, id`,
        [operations, since],
      )
    ).map((r) => [
      r.operation,
      r.decision,
      r.outcome,
      r.error_code,
      r.reason,
      (JSON.parse(r.args_preview ?? '{}') as { result?: unknown }).result,
    ]);

  /** Signs in through the console form; the session cookie, or undefined when refused. */
  async function consoleSession(email: string, password: string): Promise<string | undefined> {
    const r = await (await signInForm(run.t.url))(email, password);
    if (r.status !== 303) return undefined;
    return r.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  }
  const consolePage = (cookie: string) =>
    fetch(`${run.t.url}/console/connections`, { headers: { cookie }, redirect: 'manual' });

  /** A list_workspaces call through the official MCP client: 'ok', or the HTTP status it was refused with. */
  async function listWorkspaces(token: string): Promise<string> {
    let client: Awaited<ReturnType<typeof connectMcp>> | undefined;
    try {
      client = await connectMcp(run.t.url, token);
      const r = await client.callTool({ name: 'list_workspaces', arguments: {} });
      return r.isError ? `tool error ${JSON.stringify(r.content)}` : 'ok';
    } catch (err) {
      return `refused ${String((err as { code?: unknown }).code)}: ${(err as Error).message}`;
    } finally {
      await client?.close();
    }
  }

  it('disabling stops sign-in, console sessions, keys and agent connections at once; enabling restores the unrevoked', async () => {
    const { t, browser } = run;
    const since = await now();
    const { user, workspace, token: key } = await buildWorkspaceWithKey(t.app, { scopes: ALL_SCOPES });
    const consented = await consentedCode(browser, t.url, {
      email: user.email,
      password: PASSWORD,
      workspaceId: workspace.id,
    });
    const tokens = (await (await tokenRequest(t.url, codeExchangeBody(consented))).json()) as Required<TokenResponse>;
    const session = await consoleSession(user.email, PASSWORD);
    expect(session).toBeDefined();
    expect((await consolePage(session!)).status).toBe(200);
    expect(await listWorkspaces(key)).toBe('ok');
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(200);

    const disabled = await cli(['user', 'disable', '--email', user.email.toUpperCase()]);
    expect([disabled.status, disabled.stderr]).toEqual([
      0,
      expect.stringContaining(`no other active owner in ${workspace.slug}`),
    ]);
    // Two sessions: the sign-in during the AI client's authorization was one, the console form the other.
    expect(disabled.stdout.trim().split('\n')).toEqual([
      `disabled ${user.email}: 2 console session(s) ended`,
      'suspended while disabled: 1 API key(s) and 1 agent connection(s) it made (they work again if it is enabled; revoke them to end them)',
    ]);

    // The next request of each kind is refused; nothing needed the server to restart or wait.
    expect((await consolePage(session!)).status).toBe(303);
    expect(await consoleSession(user.email, PASSWORD)).toBeUndefined();
    expect(await listWorkspaces(key)).toMatch(/^refused 401: .*left the workspace or was disabled/);
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(401);
    const refreshed = (await (
      await tokenRequest(t.url, {
        grant_type: 'refresh_token',
        client_id: consented.client.client_id,
        refresh_token: tokens.refresh_token,
      })
    ).json()) as TokenResponse;
    expect(refreshed.error).toBe('invalid_grant');
    const rest = await callRest(t.url, key, 'GET', '/api/v1/workspaces');
    expect(rest.status).toBe(401);

    // Again: nothing to do, said so, and still one record per command.
    expect((await cli(['user', 'disable', '--email', user.email])).stdout.trim()).toBe(
      `${user.email} was already disabled`,
    );
    const listed = await cli(['user', 'list', '--json']);
    const me = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { email: string; status: string })
      .find((u) => u.email === user.email);
    expect(me).toMatchObject({ status: 'disabled' });

    const enabled = await cli(['user', 'enable', '--email', user.email]);
    expect([enabled.status, enabled.stdout.trim()]).toEqual([0, `enabled ${user.email}`]);
    expect(await listWorkspaces(key)).toBe('ok');
    expect((await mcpRequest(t.url, tokens.access_token)).status).toBe(200);
    // The ended console session stays ended: coming back means signing in.
    expect((await consolePage(session!)).status).toBe(303);
    expect(await consoleSession(user.email, PASSWORD)).toBeDefined();

    // One record per command, each committed with its change, saying which account it changed.
    const account = (status: string, previous: string) => ({
      account: { user_id: user.id, account_status: status, previous_account_status: previous },
    });
    expect(await cliRecords(since, ['cli user disable', 'cli user enable'])).toEqual([
      ['cli user disable', 'allowed', 'ok', null, null, account('disabled', 'active')],
      [
        'cli user disable',
        'allowed',
        'ok',
        null,
        'no change: the account was already disabled',
        account('disabled', 'disabled'),
      ],
      ['cli user enable', 'allowed', 'ok', null, null, account('active', 'disabled')],
    ]);
  });

  it('set-password ends console sessions, refuses the old password and leaves keys alone', async () => {
    const { t } = run;
    const since = await now();
    const { user, token: key } = await buildWorkspaceWithKey(t.app);
    const session = await consoleSession(user.email, PASSWORD);
    expect(session).toBeDefined();

    const weak = await cli(['user', 'set-password', '--email', user.email, '--password-stdin'], 'too short\n');
    expect([weak.status, weak.stdout, weak.stderr.trim()]).toEqual([1, '', expect.stringMatching(/^postern: .*12/)]);
    expect((await consolePage(session!)).status).toBe(200);

    const set = await cli(['user', 'set-password', '--email', user.email, '--password-stdin'], `${NEW_PASSWORD}\n`);
    expect([set.status, set.stdout.trim()]).toEqual([
      0,
      `new password set for ${user.email}: 1 console session(s) ended`,
    ]);
    expect((await consolePage(session!)).status).toBe(303);
    expect(await consoleSession(user.email, PASSWORD)).toBeUndefined();
    expect(await consoleSession(user.email, NEW_PASSWORD)).toBeDefined();
    expect(await listWorkspaces(key)).toBe('ok');
    const [weakRecord, setRecord] = await cliRecords(since, ['cli user set-password']);
    expect(weakRecord.slice(1, 4)).toEqual(['invalid', 'error', 'validation_failed']);
    expect(setRecord.slice(1)).toEqual([
      'allowed',
      'ok',
      null,
      null,
      { account: { user_id: user.id, password_changed: true } },
    ]);
  });

  it('an unknown account is not_found and changes nothing', async () => {
    const since = await now();
    // A bystander, to show that a normalised lookup never lands on another account.
    const other = await buildUser(run.t.app);
    const state = () => db().query(`SELECT status, password_hash, updated_at FROM users WHERE id = $1`, [other.id]);
    const before = await state();
    const missing = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    for (const args of [
      ['user', 'disable', '--email', missing],
      ['user', 'enable', '--email', missing],
      ['user', 'set-password', '--email', missing, '--password', NEW_PASSWORD],
    ]) {
      const r = await cli(args);
      expect([args[1], r.status, r.stderr.trim()]).toEqual([args[1], 1, `postern: no user with email ${missing}`]);
    }
    expect(await state()).toEqual(before);
    expect(await db().query(`SELECT 1 FROM users WHERE email = $1`, [missing])).toEqual([]);
    const refused = await cliRecords(since, ['cli user disable', 'cli user enable', 'cli user set-password']);
    expect(refused.map((r) => r.slice(2, 4))).toEqual([
      ['error', 'not_found'],
      ['error', 'not_found'],
      ['error', 'not_found'],
    ]);
  });
});
