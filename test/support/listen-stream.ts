import { randomUUID } from 'node:crypto';

/** An open (or refused) MCP listen stream; `ended` settles with the time its body ended. */
export interface ListenStream {
  requestId: string;
  res: Response;
  body: Promise<string>;
  ended: Promise<number>;
  close(): void;
}

/**
 * Opens a `subscriptions/listen` stream with a bearer credential, as a 2026-07-28 client sends
 * it. The official client (SDK 1.x) speaks no 2026-07-28 listen, and the older protocol's GET
 * stream is refused on this stateless endpoint, so it is a raw request.
 */
export async function listen(baseUrl: string, token: string): Promise<ListenStream> {
  const requestId = `listen-${randomUUID()}`;
  const method = 'subscriptions/listen';
  const client = new AbortController();
  const res = await fetch(`${baseUrl}/mcp`, {
    method: 'POST',
    signal: client.signal,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'x-request-id': requestId,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: {
        notifications: { toolsListChanged: true },
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'listen-streams', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  });
  const body = res.text().catch(() => '');
  const ended = body.then(() => Date.now());
  return { requestId, res, body, ended, close: () => client.abort() };
}

/** Whether `ended` settles within `ms`. */
export async function endsWithin(ended: Promise<number>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([ended.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}
