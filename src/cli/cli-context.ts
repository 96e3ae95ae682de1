import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { operatorActor } from '../access/actor';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { AuditWriter } from '../audit/audit-writer.service';
import { isSecretField } from '../audit/withheld-fields';
import { AppError } from '../common/app-error';
import { loadConfig } from '../config/load-config';
import { resolveSecretKey } from '../config/secret-key';
import { openDatabase } from '../database/database-endpoint';
import { CliModule } from './cli.module';

let invocation = { operation: 'cli', args: {} as Record<string, unknown> };
/** Lines of an audited command, held until its record is committed. */
let held: string[] | undefined;

/** A line of a command's output. An audited command's output is shown only once its record is durable. */
export function out(line: string): void {
  if (held) held.push(line);
  else process.stdout.write(`${line}\n`);
}

function release(): void {
  const lines = held ?? [];
  held = undefined;
  for (const line of lines) out(line);
}

/** Records which command is running; secrets among its options never reach the audit trail. */
export function setInvocation(path: string[], options: Record<string, unknown>): void {
  const args = Object.fromEntries(Object.entries(options).filter(([k]) => !isSecretField(k)));
  invocation = { operation: `cli ${path.join(' ')}`, args };
}

/**
 * Runs one operator command against the database: the running instance's (embedded or not) when
 * there is one, otherwise the embedded database opened just for this command. The command is
 * audited like any other call, as the operator on the `cli` surface.
 */
export async function withServices<T>(
  work: (app: INestApplicationContext) => Promise<T>,
  options: {
    requireCurrentSchema: boolean;
    /**
     * A report that must reach the operator even when its record cannot be written: what
     * `audit verify` finds can be the very damage that stops its record being filed. The output is
     * shown with a warning, and the exit is non-zero.
     */
    showUnrecorded?: boolean;
  } = { requireCurrentSchema: true },
): Promise<T> {
  // The same key as the server's (embedded: DATA_DIR/secret.key), so the command's argument digest
  // is keyed like every other record's. Migrating audits nothing and needs none.
  const config = options.requireCurrentSchema ? resolveSecretKey(loadConfig()) : loadConfig();
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
    held = [];
    return await AuditContext.run(draft, async () => {
      let result: T;
      try {
        result = await work(context);
      } catch (err) {
        noteError(draft, err instanceof AppError ? err.code : 'internal_error', (err as Error).message);
        if (!draft.written)
          await writer.write(writer.toFields(draft, 'error')).catch((auditErr: unknown) => {
            process.stderr.write(
              `warning: the audit record of this failed command was not written: ${(auditErr as Error).message}\n`,
            );
          });
        release();
        throw err;
      }
      // A failed write throws here, and the output stays unshown: nothing is reported done unrecorded.
      if (!draft.written) {
        try {
          // A command can finish and still report a failure (audit verify finding a broken link).
          await writer.write(writer.toFields(draft, draft.errorCode ? 'error' : 'ok'));
        } catch (auditErr) {
          if (!options.showUnrecorded) throw auditErr;
          release();
          process.stderr.write(
            `warning: the audit record of this command was not written: ${(auditErr as Error).message}\n`,
          );
          process.exitCode ||= 1;
          return result;
        }
      }
      release();
      return result;
    });
  } finally {
    held = undefined;
    await app?.close();
    await db.close();
  }
}
