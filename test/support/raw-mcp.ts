/**
 * A raw JSON-RPC POST to /mcp (or `path`), for what the official client would not send. An object
 * body is sent as JSON; a string body is sent as written (say, nested deeper than JSON.stringify
 * would go).
 */
export function postRawMcp(
  baseUrl: string,
  token: string,
  requestId: string,
  body: unknown,
  headers: Record<string, string> = {},
  path = '/mcp',
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'x-request-id': requestId,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
