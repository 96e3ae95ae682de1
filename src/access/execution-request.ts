import type { ExecutionContext } from '@nestjs/common';
import type { McpContext } from '@rekog/mcp-nest';
import type { ActorRequest } from './request-actor';

/**
 * The HTTP request behind a REST route or an MCP tool call: tool calls run as RPC handlers, and
 * their context carries the HTTP request of the `/mcp` POST that delivered them.
 */
export function requestOf(context: ExecutionContext): ActorRequest | undefined {
  if (context.getType() === 'rpc') {
    return context.switchToRpc().getContext<McpContext>().getRawRequest<ActorRequest>();
  }
  if (context.getType() === 'http') return context.switchToHttp().getRequest<ActorRequest>();
  return undefined;
}

/** The MCP tool being called, for tool allowlists and audit; undefined outside a tool call. */
export function toolNameOf(context: ExecutionContext): string | undefined {
  if (context.getType() !== 'rpc') return undefined;
  const request = context.switchToRpc().getContext<McpContext>().mcpRequest as {
    method?: string;
    params?: { name?: unknown };
  };
  return request.method === 'tools/call' && typeof request.params?.name === 'string' ? request.params.name : undefined;
}
