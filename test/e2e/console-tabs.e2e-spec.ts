import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWorkspaceWithKey } from '../factories';
import { launchChromium } from '../support/browser';
import { startTestAppAtPublicUrl, useTestApp } from '../support/test-app';

const PASSWORD = 'a long enough password';

/** One person, one browser, several tabs: what one tab does leaves the others working. */
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
});
