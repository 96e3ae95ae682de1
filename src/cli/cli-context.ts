import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { openDatabase } from '../database/database-endpoint';
import { CliModule } from './cli.module';

/**
 * Runs one operator command against the database: the running instance's (embedded or not) when
 * there is one, otherwise the embedded database opened just for this command.
 */
export async function withServices<T>(
  work: (app: INestApplicationContext) => Promise<T>,
  options: { requireCurrentSchema: boolean } = { requireCurrentSchema: true },
): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config, 'client');
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), {
      logger: false,
      abortOnError: false,
    });
    if (options.requireCurrentSchema && (await app.get(DataSource).showMigrations())) {
      throw new Error('the database schema is not up to date; run `postern migrate` first');
    }
    return await work(app);
  } finally {
    await app?.close();
    await db.close();
  }
}
