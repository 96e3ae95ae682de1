import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { Provider } from 'oidc-provider';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { OIDC_PROVIDER } from '../../src/oauth/oauth.tokens';
import { UsersService } from '../../src/domain/users/users.service';
import { asOperator, buildWorkspaceWithKey } from '../factories';
import { withAuditFailing } from '../support/audit-failure';
import { launchChromium } from '../support/browser';
import { someAddress } from '../support/console-sign-in';
import { CALLBACK, clientBrowser, codeExchangeBody, type ConsentedCode } from '../support/oauth-consent';
import { authorizationUrl, mcpRequest, pkce, registeredClient, tokenRequest } from '../support/oauth-protocol';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';

const PASSWORD = 'a long enough password';

type Started = Omit<ConsentedCode, 'code'>;

interface Person {
  email: string;
  userId: string;
  workspaceId: string;
  workspaceName: string;
}

/*
 * The authorization server keeps a browser's sign-in for a day, the console for twelve hours, and a
 * password reset ends only the console's. Consent is given only by the person signed in to the
 * console, so a browser left with the server's sign-in alone must be asked for the password again
 * before it is shown anything of the account, and must then be able to carry on.
 */
describe('OAuth authorization after the console sign-in has ended', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let dataSource: DataSource;
  let alice: Person;
  let bob: Person;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startTestAppAtPublicUrl({ LOG_LEVEL: 'error' });
    browser = await launchChromium();
    dataSource = t.app.get<DataSource>(getDataSourceToken());
    alice = await person();
    bob = await person();
  });
  async function person(): Promise<Person> {
    const { user, workspace } = await buildWorkspaceWithKey(t.app);
    return { email: user.email, userId: user.id, workspaceId: workspace.id, workspaceName: workspace.name };
  }

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A fresh client's authorization request, opened in `page`: the client and its PKCE pair. */
  async function startAuthorization(page: Page, extra: Record<string, string> = {}): Promise<Started> {
    const client = await registeredClient(t.url, CALLBACK);
    const p = pkce();
    await page.goto(
      authorizationUrl(t.url, {
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: CALLBACK,
        scope: 'workspace:list workspace:read',
        state: randomBytes(8).toString('hex'),
        code_challenge: p.challenge,
        code_challenge_method: 'S256',
        resource: `${t.url}/mcp`,
        ...extra,
      }),
    );
    return { client, p };
  }

  async function signIn(page: Page, who: Person): Promise<void> {
    await page.fill('#email', who.email);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  }

  /** Approves for `who`'s workspace, redeems the code and calls tools/list with the access token: its status. */
  async function approveAndCall(page: Page, callbacks: URL[], who: Person, started: Started) {
    await page.selectOption('#workspace', who.workspaceId);
    await page.click('button[value=approve]');
    await page.waitForURL((url) => url.href.startsWith(CALLBACK));
    const code = callbacks.at(-1)?.searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    const res = await tokenRequest(t.url, codeExchangeBody({ ...started, code: code! }));
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    return (await mcpRequest(t.url, access_token)).status;
  }

  /** A browser that connected one client as `who`: it holds the server's sign-in and the console's. */
  async function browserSignedInAs(who: Person) {
    const run = await clientBrowser(browser);
    contexts.push(run.context);
    // Its wrong password then counts against an address of its own, not the loopback's.
    await run.context.setExtraHTTPHeaders({ 'x-forwarded-for': someAddress() });
    const started = await startAuthorization(run.page);
    await signIn(run.page, who);
    expect(await approveAndCall(run.page, run.callbacks, who, started)).toBe(200);
    return run;
  }

  /** The id of the authorization server's sign-in this browser holds (its cookie), if any. */
  const serverSignInId = async (context: BrowserContext) =>
    (await context.cookies(t.url)).find((c) => c.name === '_session')?.value;
  /** That sign-in as the server stores it: gone once ended, whatever the browser still holds. */
  const storedSignIn = (id: string | undefined) =>
    id ? t.app.get<Provider>(OIDC_PROVIDER).Session.find(id) : Promise.resolve(undefined);

  /** Signs out from the console's connections page: the status of the page it ends on. */
  async function signOutAt(page: Page): Promise<number | undefined> {
    await page.goto(`${t.url}/console/connections`);
    const [answer] = await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign out")')]);
    return answer?.status();
  }

  /** Twelve hours on: the console's sign-in has run out, the authorization server's has not. */
  const consoleSignInRunsOut = (who: Person) =>
    dataSource.query(`UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      who.userId,
    ]);

  it('asks for the password again before showing consent, then carries on to it', async () => {
    const { context, page, callbacks } = await browserSignedInAs(alice);
    await consoleSignInRunsOut(alice);
    expect((await storedSignIn(await serverSignInId(context)))?.accountId).toBe(alice.userId);

    const started = await startAuthorization(page);
    // Before, this was the consent page, with the account's workspaces and roles, whose approval
    // was then refused with no way to sign in from it.
    expect(await page.locator('#password').count()).toBe(1);
    expect(await page.textContent('body')).toContain('Your sign-in in this browser has ended');
    expect(await page.content()).not.toContain(alice.workspaceName);
    expect(await page.locator('#workspace').count()).toBe(0);

    await signIn(page, alice);
    expect(await page.textContent('h1')).toBe('Connect Probe Agent?');
    expect(await page.textContent('#workspace')).toContain(alice.workspaceName);
    expect(await approveAndCall(page, callbacks, alice, started)).toBe(200);
  });

  it('refuses a wrong password there as at any sign-in, showing nothing of the account', async () => {
    const { page } = await browserSignedInAs(alice);
    await consoleSignInRunsOut(alice);
    await startAuthorization(page);
    await page.fill('#email', alice.email);
    await page.fill('#password', 'not the password at all');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(await page.textContent('[role=alert]')).toBeTruthy();
    expect(await page.locator('#password').count()).toBe(1);
    expect(await page.content()).not.toContain(alice.workspaceName);
  });

  it('ends the first person’s server sign-in when another signs in there, and connects the second on a new start', async () => {
    const { context, page, callbacks } = await browserSignedInAs(alice);
    await consoleSignInRunsOut(alice);
    const alicesSignIn = await serverSignInId(context);

    await startAuthorization(page);
    await signIn(page, bob);
    expect(await page.textContent('h1')).toBe('Start again from your AI client');
    expect(await storedSignIn(alicesSignIn)).toBeUndefined();
    const [restart] = await dataSource.query<{ user_id: string; reason: string }[]>(
      `SELECT user_id, reason FROM audit_records WHERE operation = 'GET /console/interaction/:uid' AND user_id = $1
        ORDER BY id DESC LIMIT 1`,
      [bob.userId],
    );
    expect(restart).toEqual({
      user_id: bob.userId,
      reason: `ended this browser's authorization-server sign-in of account ${alice.userId}`,
    });

    // Started again: no sign-in at the server, Bob's at the console, so the request is Bob's.
    const again = await startAuthorization(page);
    expect(await page.textContent('h1')).toBe('Connect Probe Agent?');
    expect(await page.textContent('#workspace')).toContain(bob.workspaceName);
    expect(await page.textContent('#workspace')).not.toContain(alice.workspaceName);
    expect(await approveAndCall(page, callbacks, bob, again)).toBe(200);
    const [connection] = await dataSource.query<{ user_id: string; workspace_id: string }[]>(
      `SELECT user_id, workspace_id FROM oauth_connections WHERE client_id = $1`,
      [again.client.client_id],
    );
    expect(connection).toEqual({ user_id: bob.userId, workspace_id: bob.workspaceId });
  });

  it('does not show one person’s consent to another signed in to the console at the same browser', async () => {
    const { context, page } = await browserSignedInAs(alice);
    await consoleSignInRunsOut(alice);
    const alicesSignIn = await serverSignInId(context);
    // Bob signs in to the console itself in that browser; the server still has Alice.
    await page.goto(`${t.url}/console/login`);
    await signIn(page, bob);

    await startAuthorization(page);
    expect(await page.textContent('h1')).toBe('Start again from your AI client');
    expect(await page.content()).not.toContain(alice.workspaceName);
    expect(await storedSignIn(alicesSignIn)).toBeUndefined();
  });

  it('keeps the first person’s server sign-in when the record of ending it cannot be written', async () => {
    const { context, page } = await browserSignedInAs(alice);
    await consoleSignInRunsOut(alice);
    const alicesSignIn = await serverSignInId(context);
    await startAuthorization(page);

    // Before, the sign-in was ended first and its record written after: a failed record left it
    // ended with no trace of who ended it.
    await withAuditFailing(
      dataSource,
      'GET /console/interaction/:uid',
      async () => {
        await page.fill('#email', bob.email);
        await page.fill('#password', PASSWORD);
        const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
        expect(answer?.status()).toBe(503);
        // A page for the person, not the JSON refusal a script gets.
        expect(await page.textContent('h1')).toBe('The audit trail is unavailable');
      },
      { user_id: bob.userId },
    );
    expect((await storedSignIn(alicesSignIn))?.accountId).toBe(alice.userId);
    expect(await serverSignInId(context)).toBe(alicesSignIn);
  });

  it('signs out of the console and the authorization server together, or of neither', async () => {
    const { context, page } = await browserSignedInAs(alice);
    const held = await serverSignInId(context);
    const signOut = () => signOutAt(page);
    const signOuts = () =>
      dataSource.query<{ decision: string }[]>(
        `SELECT decision FROM audit_records WHERE operation = 'POST /console/logout' AND user_id = $1`,
        [alice.userId],
      );

    // Before, the server's sign-in was ended ahead of the audited transaction that failed.
    await withAuditFailing(dataSource, 'POST /console/logout', async () => expect(await signOut()).toBe(503), {
      user_id: alice.userId,
    });
    expect((await storedSignIn(held))?.accountId).toBe(alice.userId);
    expect(await serverSignInId(context)).toBe(held);
    expect(await signOuts()).toEqual([]);

    expect(await signOut()).toBe(200);
    expect(page.url()).toContain('/console/login');
    expect(await storedSignIn(held)).toBeUndefined();
    expect(await serverSignInId(context)).toBeUndefined();
    expect(await signOuts()).toEqual([{ decision: 'allowed' }]);
  });

  it('ends the server sign-in that another tab resumed, under its new id, when the person signs out', async () => {
    const { context, page } = await browserSignedInAs(alice);
    const held = await serverSignInId(context);
    // The server gives a sign-in a new id each time a request resumes it. A consent approved in
    // another tab between sign-out finding the sign-in and ending it leaves it under a new id
    // (same uid); here both ids are stored at once, so the one under the new id is left for the
    // sign-out to find.
    const resumed = (await storedSignIn(held))!;
    resumed.resetIdentifier();
    (resumed as { oldId?: string }).oldId = undefined;
    await resumed.save(3600);
    expect(resumed.jti).not.toBe(held);
    expect((await storedSignIn(resumed.jti))?.accountId).toBe(alice.userId);

    expect(await signOutAt(page)).toBe(200);
    expect(await storedSignIn(held)).toBeUndefined();
    expect(await storedSignIn(resumed.jti)).toBeUndefined();
  });

  it('asks for a sign-in, not a server error, where the server’s sign-in is of a disabled account', async () => {
    const carol = await person();
    const { context, page, callbacks } = await browserSignedInAs(carol);
    const carolsSignIn = await serverSignInId(context);
    await asOperator('user disable', () => t.app.get(UsersService).setStatus(carol.email, 'disabled'));

    // Before, the authorization server skipped the sign-in (it had one) and failed at consent with
    // a server error, for every request from this browser for a day.
    await startAuthorization(page);
    expect(await page.locator('#password').count()).toBe(1);
    await signIn(page, bob);
    expect(await page.textContent('h1')).toBe('Start again from your AI client');
    expect(await storedSignIn(carolsSignIn)).toBeUndefined();

    const again = await startAuthorization(page);
    expect(await page.textContent('#workspace')).toContain(bob.workspaceName);
    expect(await approveAndCall(page, callbacks, bob, again)).toBe(200);
  });

  it('asks for the password when the client demands a fresh sign-in, though the console is signed in', async () => {
    const { page, callbacks } = await browserSignedInAs(alice);
    // The console sign-in is live: without prompt=login this goes straight to consent.
    const started = await startAuthorization(page, { prompt: 'login consent' });
    expect(await page.locator('#password').count()).toBe(1);
    expect(await page.textContent('body')).toContain('asks you to enter your password again');
    await signIn(page, alice);
    expect(await page.textContent('h1')).toBe('Connect Probe Agent?');
    expect(await approveAndCall(page, callbacks, alice, started)).toBe(200);
  });

  it('counts a max_age from when the password was entered at the console, not from the sign-in it completed', async () => {
    const { context, page, callbacks } = await clientBrowser(browser);
    contexts.push(context);
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': someAddress() });
    await page.goto(`${t.url}/console/login`);
    await signIn(page, bob);
    // Signed in to the console two hours ago, and never at the authorization server in this browser.
    await dataSource.query(
      `UPDATE console_sessions SET created_at = now() - interval '2 hours' WHERE user_id = $1 AND created_at > now() - interval '1 minute'`,
      [bob.userId],
    );
    const pagesShownTo = async (who: Person) =>
      (
        await dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM audit_records WHERE operation = 'GET /console/interaction/:uid' AND user_id = $1`,
          [who.userId],
        )
      )[0].n;
    const before = await pagesShownTo(bob);
    const first = await startAuthorization(page);
    expect(await page.textContent('h1')).toBe('Connect Probe Agent?');
    // Both pages name the person at the console: the one that signed them in to the server with
    // the console's sign-in, and the consent page.
    expect((await pagesShownTo(bob)) - before).toBe(2);
    expect(await approveAndCall(page, callbacks, bob, first)).toBe(200);

    // A client that wants a sign-in no older than an hour: the server's sign-in, completed from the
    // console a moment ago, carries the console's two-hour-old time, so the password is asked for.
    // (max_age is an OpenID parameter: oidc-provider refuses it without the openid scope.)
    await startAuthorization(page, { scope: 'openid workspace:list', max_age: '3600' });
    expect(await page.locator('#password').count()).toBe(1);
  });
});
