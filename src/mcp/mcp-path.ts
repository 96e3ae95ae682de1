/** Whether a request path is the MCP endpoint (`/mcp` or below it), as opposed to REST or the console. */
export function isMcpPath(path: string): boolean {
  return path === '/mcp' || path.startsWith('/mcp/');
}
