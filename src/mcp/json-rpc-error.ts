/**
 * A JSON-RPC error answer, for refusals on /mcp of what is not yet an MCP call: a body that cannot
 * be read, a batch, headers that disagree with the body, a call whose record cannot be written.
 * (The guards' 401 and 403 keep the API's error body: an MCP client acts on their
 * WWW-Authenticate header.) It answers the request's own id when the body had a usable one, else
 * null (the spec's rule for an id that could not be read).
 */
export function jsonRpcError(code: number, message: string, body?: unknown): object {
  return { jsonrpc: '2.0', id: requestIdOf(body), error: { code, message } };
}

function requestIdOf(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}
