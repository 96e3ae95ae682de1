/** Whether a request path is the REST API (`/api/v1` or below it), as opposed to its docs, MCP or the console. */
export function isApiPath(path: string): boolean {
  return path === '/api/v1' || path.startsWith('/api/v1/');
}
