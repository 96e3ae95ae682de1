import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { validationError } from './common/validation-error';
import type { AppConfig } from './config/config.types';
import { createMcpServer } from './mcp/mcp-server';
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
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, databaseUrl, mcpController: mcp.controller }),
    { bodyParser: false, bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationError,
    }),
  );

  const openapi = new DocumentBuilder()
    .setTitle('Postern REST API')
    .setDescription('The same service layer as the MCP tools. Authenticate with `Authorization: Bearer pst_…`.')
    .setVersion(VERSION)
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openapi), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });

  mcp.strategy.setHttpAdapter(app.getHttpAdapter());
  app.connectMicroservice({ strategy: mcp.strategy }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  return app;
}

/** Applies pending migrations through the app's own data source. */
export async function runMigrations(app: INestApplication): Promise<string[]> {
  const ran = await app.get(DataSource).runMigrations({ transaction: 'each' });
  return ran.map((m) => m.name);
}
