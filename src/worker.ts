import 'reflect-metadata';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule } from './config/config.module';
import { ConfigError } from './config/config.errors';
import type { AppConfig } from './config/config.types';
import { loadConfig } from './config/load-config';
import { resolveSecretKey } from './config/secret-key';
import { dataSourceOptions } from './database/data-source-options';
import { AuditModule } from './audit/audit.module';
import { PublishRunnerModule } from './domain/posts/publishing/publish-runner.module';
import { PublishingModule } from './publishing/publishing.module';
import { exitOnSignals } from './common/exit-on-signals';

@Module({})
class WorkerModule {
  static forRoot(config: AppConfig & { databaseUrl: string }): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, 4, config.databaseStatementTimeoutMs)),
        PublishingModule.forRoot(config),
        AuditModule,
        PublishRunnerModule,
      ],
    };
  }
}

/**
 * A process that only consumes the publishing queue, for deployments that scale workers apart from
 * the API. It needs Redis and a shared PostgreSQL: without them the API runs jobs in-process. It
 * runs the same publish runner as the API, so it publishes only through the connectors it has.
 */
export async function work(): Promise<void> {
  try {
    const loaded = loadConfig();
    if (!loaded.redisUrl || !loaded.databaseUrl) {
      throw new Error('the worker needs REDIS_URL and DATABASE_URL; without them the API process runs jobs itself');
    }
    // Its audit records key their argument digests like the API's, so it needs the same SECRET_KEY.
    const config = { ...resolveSecretKey(loaded), databaseUrl: loaded.databaseUrl };
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config));
    exitOnSignals('postern worker', () => app.close());
    new Logger('Worker').log('consuming the publishing queue');
  } catch (err) {
    process.stderr.write(`postern worker: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void work();
