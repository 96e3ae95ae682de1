import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RequestHandler } from 'express';
import { McpController, McpHttpControllerFor, McpStrategy, StreamableHttpTransport, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import { portOf, type RunningServer } from './running-server';

/**
 * The framework anchor: the same stack and mode as Postern's /mcp (Nest 11 on express, mcp-nest's
 * McpStrategy, a stateless StreamableHttpTransport with the same Host/Origin checks, mounted by an
 * McpHttpControllerFor controller) with one trivial tool and no guards, audit or database.
 * `before`, when given, runs ahead of everything else on every request (the commit floor's hold).
 */
export async function startFrameworkAnchor(before?: RequestHandler): Promise<RunningServer> {
  const transport = new StreamableHttpTransport({
    statefulMode: false,
    security: { allowedHosts: ['localhost', '127.0.0.1'], allowedOrigins: ['localhost', '127.0.0.1'] },
  });
  const strategy = new McpStrategy({
    name: 'framework-anchor',
    version: '1.0.0',
    transports: [transport],
    logging: false,
  });

  @McpController()
  class PingTools {
    @Tool({
      name: 'ping',
      description: 'Answers {"pong": true}. Does nothing else.',
      outputSchema: z.object({ pong: z.boolean() }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    })
    ping() {
      return { pong: true };
    }
  }

  @Controller('mcp')
  class AnchorMcpController extends McpHttpControllerFor(transport) {}

  @Module({ controllers: [AnchorMcpController, PingTools] })
  class FrameworkAnchorModule {}

  const app = await NestFactory.create<NestExpressApplication>(FrameworkAnchorModule, { logger: false });
  app.disable('x-powered-by');
  if (before) app.use(before);
  strategy.setHttpAdapter(app.getHttpAdapter());
  app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  return { port: portOf(app.getHttpServer()), close: () => app.close() };
}
