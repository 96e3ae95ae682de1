/**
 * A JSON-RPC error answer, which is what an MCP client reads from /mcp whatever refused the call.
 * It answers the request's own id when the body had a usable one, else null (the spec's rule for
 * an id that could not be read).
 */
export function jsonRpcError(code: number, message: string, body?: unknown): object {
  return { jsonrpc: '2.0', id: requestIdOf(body), error: { code, message } };
}

function requestIdOf(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}
