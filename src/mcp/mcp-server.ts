import { Controller, type Type, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { McpHttpControllerFor, type McpStrategy } from '@rekog/mcp-nest';
import { RequireScopes } from '../access/require-scopes.decorator';
import type { AppConfig } from '../config/config.types';
import { oauthUrls } from '../oauth/oauth-urls';
import { PosternHttpTransport } from './postern-http-transport';
import { PosternMcpStrategy } from './postern-mcp-strategy';
import { ListenStreamSlotsGuard } from './listen-stream-slots.guard';

export interface McpServer {
  strategy: McpStrategy;
  /** The guarded Nest controller that owns `/mcp`, so global guards authenticate every request. */
  controller: Type<unknown>;
}

const INSTRUCTIONS =
  'Postern publishes to social networks on behalf of a workspace. Every call is permission-checked and audited. ' +
  'Start with list_workspaces. Tools you do not see are not granted to this connection.';

/**
 * Built per app instance (not at import time) because Host/Origin validation needs the configured
 * public URL. Stateless Streamable HTTP: every POST is self-contained, so any instance can serve it.
 */
export function createMcpServer(config: AppConfig, version: string): McpServer {
  const transport = new PosternHttpTransport({
    statefulMode: false,
    // Every answer is one JSON body, held until the call's audit record is committed. (Mid-call
    // progress notifications of the 2026-07-28 protocol are dropped; listen streams stay SSE.)
    responseMode: 'json',
    security: { allowedHosts: config.allowedHosts, allowedOrigins: config.allowedHosts },
    stepUpAuthorization: { resourceMetadataUrl: oauthUrls(config).resourceMetadata },
  });
  const strategy = new PosternMcpStrategy({
    name: 'postern',
    title: 'Postern',
    version,
    instructions: INSTRUCTIONS,
    transports: [transport],
    logging: false,
  });
  // The step-up challenge for resource reads: the transport asks the strategy, which knows the resources.
  transport.stepUpResourceReadsWith(strategy);

  @ApiExcludeController()
  @Controller('mcp')
  @RequireScopes()
  @UseGuards(ListenStreamSlotsGuard)
  class McpHttpController extends McpHttpControllerFor(transport) {}

  return { strategy, controller: McpHttpController };
}
