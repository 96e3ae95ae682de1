import { ListenStreams } from '../../src/mcp/listen-streams';
import { buildWorkspaceWithKey } from '../factories';
import { postMcp } from '../support/listen-stream';
import { startTestApp } from '../support/test-app';

describe('shutdown', () => {
  jest.setTimeout(60_000);

  /** A raw MCP POST, so the test sees the event stream itself. */
  const postTo = (url: string, token: string, signal: AbortSignal) => (method: string, params: object) =>
    postMcp(url, token, method, params, { signal });

  it('ends open MCP listen streams so the server can close', async () => {
    const t = await startTestApp();
    const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
    const client = new AbortController();
    const post = postTo(t.url, token, client.signal);
    const listen = await post('subscriptions/listen', { notifications: { toolsListChanged: true } });
    expect(listen.headers.get('content-type')).toContain('text/event-stream');
    const reading = listen.text().then(
      () => 'ended',
      () => 'ended',
    );

    // A client keeping a listen stream open held the HTTP server's close, and so the process, until
    // it hung up; an orchestrator then killed it with its held answers and queued records.
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      t.close().then(() => 'closed'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('still open after 10 s'), 10_000))),
    ]);
    clearTimeout(timer);
    // Hanging up lets a server that waited on the stream close, so a failure here ends too.
    client.abort();
    await t.close().catch(() => undefined);
    expect(closed).toBe('closed');
    expect(await reading).toBe('ended');
  });

  it('ends a listen stream opened while shutdown hooks still run', async () => {
    const t = await startTestApp();
    try {
      const { token } = await buildWorkspaceWithKey(t.app, { role: 'owner' });
      const client = new AbortController();
      // The HTTP server takes requests until every hook is done; this is the first hook's doing.
      t.app.get(ListenStreams).beforeApplicationShutdown();
      const listen = await postTo(
        t.url,
        token,
        client.signal,
      )('subscriptions/listen', {
        notifications: { toolsListChanged: true },
      });
      expect(listen.headers.get('content-type')).toContain('text/event-stream');
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        listen.text().then(() => 'ended'),
        new Promise((resolve) => (timer = setTimeout(() => resolve('still open after 5 s'), 5_000))),
      ]);
      clearTimeout(timer);
      client.abort();
      expect(ended).toBe('ended');
    } finally {
      await t.close();
    }
  });
});
