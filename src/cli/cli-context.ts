import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { operatorActor } from '../access/actor';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { AuditWriter } from '../audit/audit-writer.service';
import { AppError } from '../common/app-error';
import { loadConfig } from '../config/load-config';
import { openDatabase } from '../database/database-endpoint';
import { CliModule } from './cli.module';

let invocation = { operation: 'cli', args: {} as Record<string, unknown> };

/** Records which command is running; secrets among its options never reach the audit trail. */
export function setInvocation(path: string[], options: Record<string, unknown>): void {
  const args = Object.fromEntries(Object.entries(options).filter(([k]) => !/password|secret|token/i.test(k)));
  invocation = { operation: `cli ${path.join(' ')}`, args };
}

/**
 * Runs one operator command against the database: the running instance's (embedded or not) when
 * there is one, otherwise the embedded database opened just for this command. The command is
 * audited like any other call, as the operator on the `cli` surface.
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
    if (!options.requireCurrentSchema) return await work(app);
    const writer = app.get(AuditWriter);
    const draft = AuditContext.start('cli', invocation.operation, randomUUID());
    draft.actor = operatorActor();
    draft.args = invocation.args;
    const context = app;
    return await AuditContext.run(draft, async () => {
      try {
        const result = await work(context);
        if (!draft.written) await writer.write(writer.toFields(draft, 'ok'));
        return result;
      } catch (err) {
        noteError(draft, err instanceof AppError ? err.code : 'internal_error', (err as Error).message);
        if (!draft.written) await writer.write(writer.toFields(draft, 'error')).catch(() => undefined);
        throw err;
      }
    });
  } finally {
    await app?.close();
    await db.close();
  }
}
