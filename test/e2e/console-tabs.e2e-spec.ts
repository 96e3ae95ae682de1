import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWorkspaceWithKey } from '../factories';
import { launchChromium } from '../support/browser';
import { CALLBACK } from '../support/oauth-consent';
import { authorizationUrl, pkce, registeredClient } from '../support/oauth-protocol';
import { startTestAppAtPublicUrl, useTestApp } from '../support/test-app';

const PASSWORD = 'a long enough password';

/**
 * One person, one browser, several tabs: what one tab does (sign in, sign out) leaves the others a
 * page that says what happened and a way on, never a raw error body.
 */
describe('console in several tabs', () => {
  jest.setTimeout(120_000);
  const t = useTestApp(() => startTestAppAtPublicUrl());
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  beforeEach(async () => {
    context = await browser.newContext();
  });
  afterEach(async () => {
    await context?.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function signIn(page: Page, email: string): Promise<void> {
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
  }

  /** Signs out in a tab of its own, as a person would on another page of the console. */
  async function signOutElsewhere(): Promise<void> {
    const other = await context.newPage();
    await other.goto(`${t.url}/console/connections`);
    await other.click('text=Sign out');
    await other.waitForURL(/\/console\/login$/);
    await other.close();
  }

  /** Clicks the page's (one) Revoke button: the status of the answer to the form's post. */
  async function revoke(page: Page): Promise<number> {
    const [answer] = await Promise.all([page.waitForResponse(/\/revoke$/), page.click('text=Revoke')]);
    await page.waitForLoadState();
    return answer.status();
  }

  const keyStatus = async (keyId: string) =>
    (
      await t.db.query<{ revoked: boolean }[]>(`SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE id = $1`, [
        keyId,
      ])
    )[0].revoked;

  it('lets a person whose session ended in another tab sign in again from the refusal and carry on', async () => {
    const owner = await buildWorkspaceWithKey(t.app);
    const page = await context.newPage();
    await page.goto(`${t.url}/console/keys`);
    await signIn(page, owner.user.email);
    await page.waitForURL(/\/console\/keys$/);
    await signOutElsewhere();

    expect(await revoke(page)).toBe(401);
    expect(await page.textContent('h1')).toBe('Your session has ended');
    expect(await keyStatus(owner.key.id)).toBe(false);

    await page.getByRole('link', { name: 'Sign in again' }).click();
    await page.waitForURL(/\/console\/login\?next=%2Fconsole%2Fkeys$/);
    await signIn(page, owner.user.email);
    await page.waitForURL(/\/console\/keys$/);
    expect(await revoke(page)).toBe(303);
    expect(await keyStatus(owner.key.id)).toBe(true);
  });

  it('tells a tab whose form predates a new sign-in that it expired, and reloads it to a form that works', async () => {
    const owner = await buildWorkspaceWithKey(t.app);
    const page = await context.newPage();
    await page.goto(`${t.url}/console/keys`);
    await signIn(page, owner.user.email);
    await page.waitForURL(/\/console\/keys$/);
    await signOutElsewhere();
    const other = await context.newPage();
    await other.goto(`${t.url}/console/login`);
    await signIn(other, owner.user.email);
    await other.waitForURL(/\/console\/connections$/);

    expect(await revoke(page)).toBe(403);
    expect(await page.textContent('h1')).toBe('This form expired');
    expect(await keyStatus(owner.key.id)).toBe(false);
    await page.getByRole('link', { name: 'Reload the page' }).click();
    await page.waitForURL(/\/console\/keys$/);
    expect(await revoke(page)).toBe(303);
    expect(await keyStatus(owner.key.id)).toBe(true);
  });

  it('signs in from the first of two sign-in tabs, and from the second as well', async () => {
    const user = (await buildWorkspaceWithKey(t.app)).user;
    const first = await context.newPage();
    await first.goto(`${t.url}/console/login`);
    const second = await context.newPage();
    await second.goto(`${t.url}/console/login`);
    await signIn(first, user.email);
    await first.waitForURL(/\/console\/connections$/);
    await signIn(second, user.email);
    await second.waitForURL(/\/console\/connections$/);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'postern_login_csrf');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console/login' });
  });

  it('says a consent page was left behind by signing out in another tab, not that it came from another browser', async () => {
    const owner = await buildWorkspaceWithKey(t.app);
    const client = await registeredClient(t.url, CALLBACK);
    await context.route('http://127.0.0.1:1/**', (route) => route.fulfill({ status: 200, body: 'client callback' }));
    const page = await context.newPage();
    await page.goto(
      authorizationUrl(t.url, {
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: CALLBACK,
        scope: 'workspace:read',
        state: randomBytes(8).toString('hex'),
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        resource: `${t.url}/mcp`,
      }),
    );
    await signIn(page, owner.user.email);
    await page.selectOption('#workspace', owner.workspace.id);
    await signOutElsewhere();

    const [refused] = await Promise.all([page.waitForResponse(/\/consent$/), page.click('button[value=approve]')]);
    expect(refused.status()).toBe(400);
    const text = await page.textContent('body');
    expect(text).toContain('You signed out of Postern, or signed in as someone else, after this page opened.');
    expect(text).toContain('Start again from your AI client.');
    expect(text).not.toContain('another browser');
  });
});
