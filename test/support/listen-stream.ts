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
 * One raw MCP request as a 2026-07-28 client sends it (the official client, SDK 1.x, speaks no
 * 2026-07-28 listen, and the older protocol's GET stream is refused on this stateless endpoint).
 */
export function postMcp(
  baseUrl: string,
  token: string,
  method: string,
  params: object,
  o: { signal?: AbortSignal; requestId?: string } = {},
): Promise<Response> {
  return fetch(`${baseUrl}/mcp`, {
    method: 'POST',
    signal: o.signal,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(o.requestId ? { 'x-request-id': o.requestId } : {}),
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'postern-tests', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  });
}

/** Opens a `subscriptions/listen` stream with a bearer credential. */
export async function listen(baseUrl: string, token: string): Promise<ListenStream> {
  const requestId = `listen-${randomUUID()}`;
  const client = new AbortController();
  const res = await postMcp(
    baseUrl,
    token,
    'subscriptions/listen',
    { notifications: { toolsListChanged: true } },
    { signal: client.signal, requestId },
  );
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
