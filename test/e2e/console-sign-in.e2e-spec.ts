import { randomBytes, randomUUID } from 'node:crypto';
import { buildUser } from '../factories';
import { signInForm, someAddress } from '../support/console-sign-in';
import { authorize, pkce, registeredClient } from '../support/oauth-protocol';
import { startTestAppAtPublicUrl, useTestApp } from '../support/test-app';

const PASSWORD = 'a long enough password';
const CALLBACK = 'http://127.0.0.1:1/callback';

/** A client address of its own for each test, so one test's failures do not spend another's limit. */

/**
 * Signing in, on the console's own form and on the form an OAuth authorization shows: what the
 * audit trail says about it, and what a refused person is told.
 */
describe('console sign-in', () => {
  jest.setTimeout(60_000);
  const t = useTestApp(() => startTestAppAtPublicUrl());

  const record = async (requestId: string) =>
    (
      await t.db.query<{ actor_kind: string | null; user_id: string | null; decision: string; surface: string }[]>(
        `SELECT actor_kind, user_id, decision, surface FROM audit_records WHERE correlation_id = $1`,
        [requestId],
      )
    )[0];

  /** The sign-in form of an OAuth authorization, as a browser reaches it: its cookies and its CSRF token. */
  async function interactionForm() {
    const client = await registeredClient(t.url, CALLBACK);
    const started = await authorize(t.url, {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: CALLBACK,
      scope: 'workspace:read',
      state: 'state',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      resource: `${t.url}/mcp`,
    });
    const location = started.headers.get('location') ?? '';
    expect(location).toMatch(/^\/console\/interaction\/[\w-]+$/);
    const cookie = started.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await fetch(`${t.url}${location}`, { headers: { cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    return (email: string, password: string, headers: Record<string, string> = {}) =>
      fetch(`${t.url}${location}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ csrf, email, password }),
      });
  }

  const forms = [
    ['the console', () => signInForm(t.url)],
    ['an OAuth authorization', interactionForm],
  ] as const;

  it.each(forms)('on %s, names the person who signed in, and no one when the password is wrong', async (_, form) => {
    const user = await buildUser(t.app);
    const signIn = await form();
    const address = someAddress();
    const wrong = `wrong-${randomUUID()}`;
    expect(
      (await signIn(user.email, 'not the password at all', { 'x-forwarded-for': address, 'x-request-id': wrong }))
        .status,
    ).toBe(401);
    // A refusal says nothing about whose account the email is, or whether there is one.
    expect(await record(wrong)).toEqual({ actor_kind: null, user_id: null, decision: 'denied', surface: 'console' });

    const right = `right-${randomUUID()}`;
    expect((await signIn(user.email, PASSWORD, { 'x-forwarded-for': address, 'x-request-id': right })).status).toBe(
      303,
    );
    expect(await record(right)).toEqual({
      actor_kind: 'user',
      user_id: user.id,
      decision: 'allowed',
      surface: 'console',
    });
  });

  it.each(forms)('on %s, keeps the password out of the record, even as a digest or a length', async (_, form) => {
    const signIn = await form();
    const headers = { 'x-forwarded-for': someAddress() };
    const email = `nobody-${randomUUID()}@example.com`;
    const ids = [`pw-${randomUUID()}`, `pw-${randomUUID()}`];
    expect((await signIn(email, 'a first wrong password', { ...headers, 'x-request-id': ids[0] })).status).toBe(401);
    expect(
      (await signIn(email, 'a second, much longer wrong password', { ...headers, 'x-request-id': ids[1] })).status,
    ).toBe(401);
    const rows = await t.db.query<{ args_digest: string; args_preview: string }[]>(
      `SELECT args_digest, args_preview FROM audit_records WHERE correlation_id = ANY($1)`,
      [ids],
    );
    expect(rows).toHaveLength(2);
    // Everything else sent was the same, so nothing in either record depends on the password.
    expect(rows[0].args_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[1]).toEqual(rows[0]);
  });

  it("keeps a setup link's token out of the record, as a form's password", async () => {
    const ids = [`setup-${randomUUID()}`, `setup-${randomUUID()}`];
    for (const id of ids) {
      const token = randomBytes(32).toString('base64url');
      await fetch(`${t.url}/console/setup?token=${token}`, { headers: { 'x-request-id': id } });
    }
    const rows = await t.db.query<{ args_digest: string; args_preview: string }[]>(
      `SELECT args_digest, args_preview FROM audit_records WHERE correlation_id = ANY($1)`,
      [ids],
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(rows[0]);
    expect(JSON.parse(rows[0].args_preview)).toEqual({ query: { token: 'string(10)' } });
  });

  it('keeps a browser’s sign-in token while its cookie lasts, so a second sign-in page leaves the first working', async () => {
    const csrfOf = async (page: Response) => /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    const first = await fetch(`${t.url}/console/login`);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0];
    const token = await csrfOf(first);
    expect(cookie).toBe(`postern_login_csrf=${token}`);
    const second = await fetch(`${t.url}/console/login`, { headers: { cookie } });
    expect(await csrfOf(second)).toBe(token);
    expect(second.headers.get('set-cookie')).toMatch(new RegExp(`^${cookie}; .*HttpOnly; SameSite=Strict$`));

    // A value that is not one this server mints is not taken up; each browser gets a token of its own.
    const planted = await fetch(`${t.url}/console/login`, {
      headers: { cookie: 'postern_login_csrf=chosen-by-someone' },
    });
    const own = await csrfOf(planted);
    expect(own).toMatch(/^[\w-]{24}$/);
    expect(own).not.toBe(token);
    expect(planted.headers.get('set-cookie')).toMatch(new RegExp(`^postern_login_csrf=${own};`));
  });

  it.each(forms)('on %s, says in Retry-After how long to wait once the attempts are spent', async (_, form) => {
    const email = `nobody-${randomUUID()}@example.com`;
    const signIn = await form();
    const headers = { 'x-forwarded-for': someAddress() };
    for (let i = 0; i < 5; i++) expect((await signIn(email, 'a wrong password, surely', headers)).status).toBe(401);
    const refused = await signIn(email, 'a wrong password, surely', headers);
    expect(refused.status).toBe(429);
    const wait = refused.headers.get('retry-after') ?? '';
    expect(wait).toMatch(/^\d+$/);
    expect(Number(wait)).toBeGreaterThan(0);
    expect(Number(wait)).toBeLessThanOrEqual(15 * 60);
    expect(await refused.text()).toContain(`try again in ${wait} seconds`);
  });

  it('still signs in an account whose address a newer rule would not let be created', async () => {
    const user = await buildUser(t.app);
    // A soft hyphen: allowed when the account was made, refused for new accounts since.
    const older = `soft\u00adhyphen-${randomUUID().slice(0, 8)}@example.com`;
    await t.db.query(`UPDATE users SET email = $2 WHERE id = $1`, [user.id, older]);
    const signIn = await signInForm(t.url);
    const requestId = `older-${randomUUID()}`;
    const answer = await signIn(older, PASSWORD, { 'x-forwarded-for': someAddress(), 'x-request-id': requestId });
    expect(answer.status).toBe(303);
    expect(await record(requestId)).toMatchObject({ user_id: user.id, decision: 'allowed' });
  });
});
