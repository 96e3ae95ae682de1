import { randomUUID } from 'node:crypto';

/** What one REST call answered, with the X-Request-Id it carried. */
export interface RestReply {
  /** Method and path, so a failure inside a loop says which call it was. */
  call: string;
  requestId: string;
  status: number;
  /** The parsed JSON body, or undefined for an empty one. */
  body: any;
  /** The body as sent, to prove what a response does not contain. */
  text: string;
}

/**
 * One REST call as an integration makes it. Each carries its own X-Request-Id, so the test can find
 * the one audit record the call left. Without a token no Authorization header is sent; a string body
 * is sent as it is (to send malformed JSON), anything else as JSON.
 */
export async function callRest(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RestReply> {
  const requestId = `rest-${randomUUID()}`;
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
      'x-request-id': requestId,
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { call: `${method} ${path}`, requestId, status: res.status, body: text ? JSON.parse(text) : undefined, text };
}
