import { randomUUID } from 'node:crypto';
import { buildWorkspaceWithKey } from '../factories';
import { signInForm } from '../support/console-sign-in';
import { useTestApp } from '../support/test-app';

/** What Chromium sends with a form post or a page load. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8';

interface Refusal {
  path: string;
  fields: Record<string, string>;
  status: number;
  code: string;
  heading: string;
  link: string;
}

/**
 * A console form refused (session ended, stale CSRF token, an id that names nothing or nothing of
 * theirs) answers a person's browser with a console page that says what happened and where to go
 * on; a script, and every API route, keep the JSON error body. Status and audit record are the same.
 */
describe('console refusal pages', () => {
  jest.setTimeout(60_000);
  const t = useTestApp();

  /** A signed-in person's session cookie and CSRF token; `ended`: signed out again, so both are stale. */
  async function session(email: string, ended = false) {
    const signIn = await (await signInForm(t.url))(email, 'a long enough password');
    expect(signIn.status).toBe(303);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
    const page = await fetch(`${t.url}/console/connections`, { headers: { cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    if (ended) {
      const signOut = await fetch(`${t.url}/console/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf }),
      });
      expect(signOut.status).toBe(303);
    }
    return { cookie, csrf };
  }

  const record = async (requestId: string) =>
    (
      await t.db.query<{ decision: string; error_code: string | null; user_id: string | null; workspace_id: string }[]>(
        `SELECT decision, error_code, user_id, workspace_id FROM audit_records WHERE correlation_id = $1`,
        [requestId],
      )
    )[0];

  it('shows a browser a console page with the status, the reason and a way on, and keeps JSON for scripts', async () => {
    // An editor where the key lives: to them its workspace is "not found", as to an admin just demoted.
    const editor = await buildWorkspaceWithKey(t.app, { role: 'editor' });
    const owner = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const ended = await session(owner.user.email, true);
    const live = await session(owner.user.email);
    const keyRevoke = `/console/keys/${owner.key.id}/revoke`;
    const cases: [string, { cookie: string; csrf: string }, Refusal][] = [
      [
        'session ended',
        ended,
        {
          path: keyRevoke,
          fields: { workspace: owner.workspace.id },
          status: 401,
          code: 'unauthenticated',
          heading: 'Your session has ended',
          link: '/console/login?next=%2Fconsole%2Fkeys',
        },
      ],
      [
        'stale form',
        { ...live, csrf: 'a-token-from-an-older-session' },
        {
          path: keyRevoke,
          fields: { workspace: owner.workspace.id },
          status: 403,
          code: 'forbidden',
          heading: 'This form expired',
          link: '/console/keys',
        },
      ],
      [
        'bad key id',
        live,
        {
          path: '/console/keys/not-a-key/revoke',
          fields: { workspace: owner.workspace.id },
          status: 400,
          code: 'validation_failed',
          heading: 'That did not work',
          link: '/console/keys',
        },
      ],
      [
        'not an admin',
        await session(editor.user.email),
        {
          path: `/console/keys/${editor.key.id}/revoke`,
          fields: { workspace: editor.workspace.id },
          status: 404,
          code: 'not_found',
          heading: 'Not found',
          link: '/console/keys',
        },
      ],
      [
        'unknown connection',
        live,
        {
          path: `/console/connections/grant-${randomUUID()}/revoke`,
          fields: {},
          status: 404,
          code: 'not_found',
          heading: 'Not found',
          link: '/console/connections',
        },
      ],
    ];
    for (const [what, { cookie, csrf }, want] of cases) {
      const post = (accept: string | undefined, requestId: string) =>
        fetch(`${t.url}${want.path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            cookie,
            'content-type': 'application/x-www-form-urlencoded',
            'x-request-id': requestId,
            ...(accept ? { accept } : {}),
          },
          body: new URLSearchParams({ csrf, ...want.fields }),
        });
      const pageId = `refusal-page-${randomUUID()}`;
      const page = await post(BROWSER_ACCEPT, pageId);
      const html = await page.text();
      expect([what, page.status]).toEqual([what, want.status]);
      expect([what, page.headers.get('content-type')]).toEqual([what, 'text/html; charset=utf-8']);
      expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; /);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect([what, html]).toEqual([what, expect.stringContaining(`<h1>${want.heading}</h1>`)]);
      expect([what, html]).toEqual([what, expect.stringContaining(`<a href="${want.link}">`)]);
      expect(html).toContain(`<code>${pageId}</code>`);
      expect(html).not.toContain('"error"');

      // fetch's own Accept (*/*), and a client asking for JSON, get the body they always had.
      for (const accept of [undefined, 'application/json']) {
        const jsonId = `refusal-json-${randomUUID()}`;
        const res = await post(accept, jsonId);
        expect([what, accept, res.status]).toEqual([what, accept, want.status]);
        const body = (await res.json()) as { error: { code: string; requestId: string } };
        expect([what, body.error.code, body.error.requestId]).toEqual([what, want.code, jsonId]);
        // The page is a rendering of the same refusal: its audit record says what the JSON one says.
        expect([what, await record(pageId)]).toEqual([what, await record(jsonId)]);
      }
      expect([what, (await record(pageId)).error_code]).toEqual([what, want.code]);
    }
  });

  it('keeps JSON for a browser on the API, and shows it a page for a console address that names nothing', async () => {
    const api = await fetch(`${t.url}/api/v1/workspaces`, { headers: { accept: BROWSER_ACCEPT } });
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');

    const nowhere = await fetch(`${t.url}/console/nowhere`, { headers: { accept: BROWSER_ACCEPT } });
    expect(nowhere.status).toBe(404);
    const html = await nowhere.text();
    expect(html).toContain('<h1>Not found</h1>');
    expect(html).toContain('<a href="/console/connections">');
    // A page visit without a session is still sent to sign in, whatever it accepts.
    const keys = await fetch(`${t.url}/console/keys`, { redirect: 'manual', headers: { accept: BROWSER_ACCEPT } });
    expect(keys.status).toBe(303);
  });
});
