import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { Application } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentErrors } from './common/openapi-errors';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { StrictValidationPipe } from './common/validation/built-in-keys';
import { validationError } from './common/validation-error';
import type { AppConfig } from './config/config.types';
import { dataSourceOptions } from './database/data-source-options';
import { createMcpServer } from './mcp/mcp-server';
import { requestPipeline } from './request-pipeline';
import { VERSION } from './version';

/**
 * Builds the whole server exactly as production runs it; tests call this too, so what they
 * exercise is what ships. The MCP strategy must start before `listen()`.
 */
export async function createApp(
  config: AppConfig & { secretKey: string },
  databaseUrl: string,
): Promise<INestApplication> {
  const mcp = createMcpServer(config, VERSION);
  // Paths are matched exactly as written. With Express's default, /MCP reached the MCP controller
  // while every check keyed on the path (the batch refusal, the audit surface, the body limit) saw
  // something other than /mcp. The adapter (on its own Express) has made its router already, which
  // read the setting then; each route reads the router's flag when added, and routes come at init.
  const server = new ExpressAdapter();
  const express = server.getInstance<Application & { router: { caseSensitive?: boolean } }>();
  express.set('case sensitive routing', true);
  express.router.caseSensitive = true;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, databaseUrl, mcpController: mcp.controller }),
    server,
    { bodyParser: false, bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Before Swagger's routes and before Nest mounts any route or module middleware at init.
  app.use(...requestPipeline(app, config));
  app.useGlobalPipes(
    new StrictValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationError,
    }),
  );

  const openapi = new DocumentBuilder()
    .setTitle('Postern REST API')
    .setDescription(
      'The same service layer as the MCP tools. Authenticate with `Authorization: Bearer pst_…`. Request bodies ' +
        'are JSON (`Content-Type: application/json`, UTF-8), except the multipart media upload; a body of any ' +
        'other type, or with none, answers 415 unsupported_media_type.',
    )
    .setVersion(VERSION)
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => documentErrors(SwaggerModule.createDocument(app, openapi)), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });

  mcp.strategy.setHttpAdapter(app.getHttpAdapter());
  app.connectMicroservice({ strategy: mcp.strategy }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  return app;
}

/**
 * Applies pending migrations on a short-lived connection before the app is built: some providers
 * (the authorization server's signing key) read their tables while the app starts.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, 1));
  await dataSource.initialize();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
