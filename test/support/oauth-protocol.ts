import { createHash, randomBytes } from 'node:crypto';

/** The protocol steps of an OAuth client, as plain HTTP, for tests that probe what the server refuses. */

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** RFC 7636 S256: a 43-character base64url verifier and the base64url SHA-256 of it. */
export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface RegisteredClient {
  client_id: string;
  redirect_uris: string[];
}

/** Dynamic client registration (RFC 7591) of a public client, as an MCP client sends it. */
export function registerClient(
  baseUrl: string,
  redirectUris: string[],
  clientName = 'Probe Agent',
  grantTypes = ['authorization_code', 'refresh_token'],
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({
      client_name: clientName,
      redirect_uris: redirectUris,
      grant_types: grantTypes,
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  });
}

export async function registeredClient(baseUrl: string, redirectUri: string): Promise<RegisteredClient> {
  const res = await registerClient(baseUrl, [redirectUri]);
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as RegisteredClient;
}

/** An authorization URL; a parameter given as undefined is left out. */
export function authorizationUrl(baseUrl: string, params: Record<string, string | undefined>): string {
  const url = new URL('/oauth/authorize', baseUrl);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

/** A GET of the authorization endpoint that does not follow redirects, so the Location can be inspected. */
export function authorize(baseUrl: string, params: Record<string, string | undefined>): Promise<Response> {
  return fetch(authorizationUrl(baseUrl, params), { redirect: 'manual' });
}

export function tokenRequest(
  baseUrl: string,
  body: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/oauth/token`, { method: 'POST', headers, body: new URLSearchParams(body) });
}

/** One JSON-RPC request to the MCP endpoint, stateless, with an optional bearer token and extra headers. */
export function mcpRequest(
  baseUrl: string,
  bearer?: string,
  method = 'tools/list',
  params: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/mcp`, {
    method: 'POST',
    headers: {
      ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
}
