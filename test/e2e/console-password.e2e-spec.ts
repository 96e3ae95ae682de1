import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { buildUser } from '../factories';
import { useAppWithBrowser } from '../support/app-with-browser';
import { ARTIFACTS } from '../support/browser';
import { signInForm, someAddress } from '../support/console-sign-in';

const PASSWORD = 'a long enough password';
const NEW_PASSWORD = 'a brand new passphrase';

/** A client address of its own for each browser, so one test's failures do not spend another's sign-in limit. */

/** A person changing their own password in the console, in Chromium. */
describe('console: change your password', () => {
  jest.setTimeout(120_000);
  const run = useAppWithBrowser();

  /** A browser profile of its own, signed in as `email`, on the password page. */
  async function signedIn(email: string, password = PASSWORD): Promise<{ context: BrowserContext; page: Page }> {
    const context = await run.browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': someAddress() } });
    const page = await context.newPage();
    await page.goto(`${run.t.url}/console/password`);
    await page.waitForURL(/\/console\/login/);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/console\/password$/);
    return { context, page };
  }

  async function submit(page: Page, current: string, next: string, again = next): Promise<number> {
    await page.fill('#current_password', current);
    await page.fill('#new_password', next);
    await page.fill('#confirm_password', again);
    // Done once the page the answer led to has loaded, not the one the form was on.
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/console/password') && r.request().method() === 'POST'),
      page.waitForEvent('load'),
      page.click('form[action="/console/password"] button[type=submit]'),
    ]);
    return answer.status();
  }

  const alert = (page: Page) => page.textContent('[role=alert]');
  const signsIn = async (email: string, password: string) =>
    (await (await signInForm(run.t.url))(email, password, { 'x-forwarded-for': someAddress() })).status === 303;
  const records = (userId: string) =>
    run.t.app
      .get(DataSource)
      .query<{ decision: string; error_code: string | null; args_digest: string; args_preview: string }[]>(
        `SELECT decision, error_code, args_digest, args_preview FROM audit_records
          WHERE operation = 'POST /console/password' AND user_id = $1 ORDER BY occurred_at, id`,
        [userId],
      );

  it('needs the current password and a confirmed new one, keeps this browser signed in and signs out the others', async () => {
    const user = await buildUser(run.t.app);
    const here = await signedIn(user.email);
    const elsewhere = await signedIn(user.email);

    expect(await submit(here.page, 'not my password at all', NEW_PASSWORD)).toBe(401);
    expect(await alert(here.page)).toBe('Your current password is not right.');
    expect(await submit(here.page, PASSWORD, NEW_PASSWORD, `${NEW_PASSWORD}!`)).toBe(400);
    expect(await alert(here.page)).toBe('The two new passwords are not the same.');
    // Long enough for the browser's own check; the account rules still refuse it.
    const blank = ' '.repeat(12);
    expect(await submit(here.page, PASSWORD, blank, blank)).toBe(400);
    expect(await alert(here.page)).toBe('password must not be only spaces or invisible characters');
    // Refused three times, changed nothing: the old password still works, the other browser is still in.
    expect(await signsIn(user.email, PASSWORD)).toBe(true);
    await elsewhere.page.goto(`${run.t.url}/console/connections`);
    expect(elsewhere.page.url()).toMatch(/\/console\/connections$/);

    const cookiesOf = async (context: BrowserContext) =>
      (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const before = await cookiesOf(here.context);
    const withOld = () =>
      fetch(`${run.t.url}/console/connections`, { headers: { cookie: before }, redirect: 'manual' });
    expect((await withOld()).status).toBe(200);
    expect(await submit(here.page, PASSWORD, NEW_PASSWORD)).toBe(303);
    // This browser carries on with a new session; the one it had before ended with the change.
    expect(await cookiesOf(here.context)).not.toBe(before);
    const ended = await withOld();
    expect([ended.status, ended.headers.get('location')]).toEqual([303, expect.stringMatching(/^\/console\/login/)]);
    expect(here.page.url()).toMatch(/\/console\/password\?changed=1$/);
    expect(await here.page.textContent('[role=status]')).toBe(
      'Your password was changed. Every other browser was signed out.',
    );
    await here.page.screenshot({ path: path.join(ARTIFACTS, 'console-password.png'), fullPage: true });
    await here.page.goto(`${run.t.url}/console/connections`);
    expect(here.page.url()).toMatch(/\/console\/connections$/);
    await elsewhere.page.goto(`${run.t.url}/console/connections`);
    expect(elsewhere.page.url()).toMatch(/\/console\/login/);
    expect(await signsIn(user.email, PASSWORD)).toBe(false);
    expect(await signsIn(user.email, NEW_PASSWORD)).toBe(true);

    const trail = await records(user.id);
    expect(trail.map((r) => [r.decision, r.error_code])).toEqual([
      ['denied', 'login_failed'],
      ['invalid', 'validation_failed'],
      ['invalid', 'validation_failed'],
      ['allowed', null],
    ]);
    // The passwords are withheld: no record depends on what was typed.
    expect(new Set(trail.map((r) => r.args_digest)).size).toBe(1);
    const previews = trail.map((r) => JSON.parse(r.args_preview) as { body: unknown; result?: unknown });
    expect(new Set(previews.map((p) => JSON.stringify(p.body))).size).toBe(1);
    // The change says what it did, and to whom.
    expect(previews.map((p) => p.result)).toEqual([
      undefined,
      undefined,
      undefined,
      { account: { user_id: user.id, password_changed: true } },
    ]);
    await here.context.close();
    await elsewhere.context.close();
  });

  it('counts wrong current passwords against the sign-in limit', async () => {
    const user = await buildUser(run.t.app);
    const { context, page } = await signedIn(user.email);
    for (let i = 0; i < 5; i++) expect(await submit(page, `wrong guess ${i} of five`, NEW_PASSWORD)).toBe(401);
    expect(await submit(page, PASSWORD, NEW_PASSWORD)).toBe(429);
    expect(await alert(page)).toMatch(/^too many login attempts; try again in \d+ seconds$/);
    const refused = (await records(user.id)).at(-1);
    expect([refused?.decision, refused?.error_code]).toEqual(['denied', 'rate_limited']);
    await context.close();
    expect(await signsIn(user.email, NEW_PASSWORD)).toBe(false);
  });

  it('refuses a form posted from elsewhere (no CSRF token) and changes nothing', async () => {
    const user = await buildUser(run.t.app);
    const { context } = await signedIn(user.email);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await fetch(`${run.t.url}/console/password`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        current_password: PASSWORD,
        new_password: NEW_PASSWORD,
        confirm_password: NEW_PASSWORD,
      }),
    });
    expect(forged.status).toBe(403);
    await context.close();
    expect(await signsIn(user.email, PASSWORD)).toBe(true);
  });
});
