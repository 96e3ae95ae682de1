import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** The official MCP client over Streamable HTTP, as an AI client would connect. */
export async function connectMcp(
  baseUrl: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Client> {
  const client = new Client({ name: 'postern-tests', version: '1.0.0' });
  const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), { requestInit: { headers: { ...auth, ...headers } } }),
  );
  return client;
}

/** Runs work on its own MCP connection, closed afterwards; a request id is sent as X-Request-Id on every request. */
export async function withMcpClient<T>(
  baseUrl: string,
  token: string,
  work: (client: Client) => Promise<T>,
  requestId?: string,
): Promise<T> {
  const client = await connectMcp(baseUrl, token, requestId ? { 'x-request-id': requestId } : {});
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Parses the JSON error a failed tool call carries in its text content. */
export function toolError(result: unknown): { code: string; message: string; details?: unknown } {
  const r = result as { isError?: boolean; content: { type: string; text: string }[] };
  if (!r.isError) throw new Error(`expected a tool error, got ${JSON.stringify(result)}`);
  return (JSON.parse(r.content[0].text) as { error: { code: string; message: string } }).error;
}
