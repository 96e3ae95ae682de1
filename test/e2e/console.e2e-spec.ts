import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import { DEFAULT_PAGE_SIZE } from '../../src/common/pagination';
import { asOperator, buildUser, buildWorkspace } from '../factories';
import { ARTIFACTS, launchChromium } from '../support/browser';
import { startTestAppAtPublicUrl, type TestApp } from '../support/test-app';

describe('console pages in a browser', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestAppAtPublicUrl();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(page: Page, email: string, next = '/console/keys'): Promise<void> {
    await page.goto(`${t.url}${next}`);
    await page.waitForURL(/\/console\/login/);
    await page.fill('#email', email);
    await page.fill('#password', 'a long enough password');
    await page.click('button[type=submit]');
    await page.waitForURL(new RegExp(next.replace(/\//g, '\\/')));
  }

  it('lets an admin create a key once-visible, use it, and revoke it', async () => {
    const owner = await buildUser(t.app);
    const workspace = await buildWorkspace(t.app, 'Console Co', owner.id);
    const page = await browser.newPage();
    await signIn(page, owner.email);
    await page.selectOption('#workspace', workspace.id);
    await page.fill('#name', 'browser-made');
    await page.selectOption('#bundle', 'read-only-analytics');
    await page.click('form[action="/console/keys"] button[type=submit]');
    const secret = (await page.textContent('#api-key'))?.trim() ?? '';
    expect(secret).toMatch(/^pst_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-keys.png'), fullPage: true });

    const use = () => fetch(`${t.url}/api/v1/workspaces`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await use()).status).toBe(200);
    await page.goto(`${t.url}/console/keys`);
    expect(await page.textContent('body')).not.toContain(secret);
    await page.click('form[action$="/revoke"] button');
    await page.waitForURL(/\/console\/keys$/);
    expect(await page.textContent('body')).toContain('revoked');
    expect((await use()).status).toBe(401);
    await page.close();
  });

  it('gives a key audit_access only when its box is ticked, and shows which keys have it', async () => {
    const owner = await buildUser(t.app);
    const workspace = await buildWorkspace(t.app, 'Audited Co', owner.id);
    const page = await browser.newPage();
    await signIn(page, owner.email);
    const create = async (name: string, auditAccess: boolean) => {
      await page.goto(`${t.url}/console/keys`);
      await page.selectOption('#workspace', workspace.id);
      await page.fill('#name', name);
      await page.selectOption('#bundle', 'read-only-analytics');
      if (auditAccess) await page.check('input[name="audit_access"]');
      await page.click('form[action="/console/keys"] button[type=submit]');
      return (await page.textContent('#api-key'))?.trim() ?? '';
    };
    const readTrail = async (secret: string) =>
      (await fetch(`${t.url}/api/v1/audit`, { headers: { authorization: `Bearer ${secret}` } })).status;
    expect(await readTrail(await create('assistant', false))).toBe(403);
    expect(await readTrail(await create('auditor', true))).toBe(200);
    const rows = await page.locator('tr', { hasText: 'reads the audit trail' }).allTextContents();
    expect(rows).toEqual([expect.stringContaining('auditor')]);
    await page.close();
  });

  it('shows a workspace’s newest keys a page at a time, with a link to the older ones', async () => {
    const owner = await buildUser(t.app);
    const workspace = await buildWorkspace(t.app, 'Many Keys Co', owner.id);
    const keys = t.app.get(ApiKeysService);
    const names: string[] = [];
    for (let i = 1; i <= DEFAULT_PAGE_SIZE + 2; i++) {
      const name = `key-${String(i).padStart(2, '0')}`;
      await asOperator('key create', () =>
        keys.create(operatorActor(), { workspaceId: workspace.id, name, scopes: ['workspace:read'] }),
      );
      names.push(name);
    }
    const listed = async () =>
      (await page.locator('tbody tr td:first-child').allTextContents()).map((c) => c.slice(0, 6));
    const page = await browser.newPage();
    await signIn(page, owner.email);
    expect(await listed()).toEqual([...names].reverse().slice(0, DEFAULT_PAGE_SIZE));

    await page.click('text=Older keys');
    await page.waitForURL(/cursor=/);
    expect(await listed()).toEqual(['key-02', 'key-01']);
    expect(await page.locator('text=Older keys').count()).toBe(0);
    await page.click('text=Newest keys');
    await page.waitForURL(/\/console\/keys#/);
    expect((await listed())[0]).toBe(names[names.length - 1]);

    const bad = await page.goto(`${t.url}/console/keys?workspace=${workspace.id}&cursor=bm90LWEtY3Vyc29y`);
    expect(bad?.status()).toBe(400);
    expect(await page.textContent('[role=alert]')).toContain('cursor');
    await page.close();
  });

  it('sends a visitor without a session to sign in, and refuses a form without its CSRF token', async () => {
    const res = await fetch(`${t.url}/console/keys`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Fkeys');
    // A session cookie that is not ours (a broken %-escape) is no session, not a server error.
    for (const cookie of ['postern_session=%E0%A4%A', '_session=%', 'postern_session=ok; _session=%zz']) {
      const forged = await fetch(`${t.url}/console/keys`, { redirect: 'manual', headers: { cookie } });
      expect([cookie, forged.status]).toEqual([cookie, 303]);
    }
    const signOut = await fetch(`${t.url}/console/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: '_session=%' },
    });
    expect(signOut.status).toBeLessThan(500);

    const user = await buildUser(t.app);
    const page = await browser.newPage();
    await signIn(page, user.email, '/console/connections');
    // The page's own CSP forbids scripts from fetching, so replay the browser's session cookie.
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const { status } = await fetch(`${t.url}/console/keys`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=x&bundle=read-only-analytics',
    });
    expect(status).toBe(403);
    expect(await page.textContent('body')).toContain('No AI client is connected');
    await page.close();
  });

  it('shows nothing to manage to someone who is not an admin anywhere', async () => {
    const viewer = await buildUser(t.app);
    const page = await browser.newPage();
    await signIn(page, viewer.email);
    expect(await page.textContent('body')).toContain('You are not an admin of any workspace.');
    await page.close();
  });

  it('refuses a wrong password with one generic message', async () => {
    const user = await buildUser(t.app);
    const page = await browser.newPage();
    await page.goto(`${t.url}/console/login`);
    await page.fill('#email', user.email);
    await page.fill('#password', 'not the password at all');
    await page.click('button[type=submit]');
    expect(await page.textContent('[role=alert]')).toBe('Email or password is not right.');
    await page.fill('#email', 'nobody-here@example.com');
    await page.fill('#password', 'not the password at all');
    await page.click('button[type=submit]');
    expect(await page.textContent('[role=alert]')).toBe('Email or password is not right.');
    await page.close();
  });
});
