import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { operatorActor } from '../../../access/actor';
import { AuditContext } from '../../../audit/audit-context';
import { AuditedTransactions } from '../../../audit/audited-transactions.service';

/** Thrown inside a change to roll it back with nothing recorded: there was nothing to do. */
export class NothingToDo extends Error {}

/**
 * A state change the publishing pipeline makes on its own (the system, on the worker surface),
 * recorded in the workspace's trail in the same transaction. Resolves to undefined when the work
 * threw NothingToDo (another process got there first, say).
 */
@Injectable()
export class WorkerChanges {
  constructor(private readonly audited: AuditedTransactions) {}

  async run<T>(
    workspaceId: string,
    operation: string,
    args: Record<string, unknown>,
    work: (m: EntityManager) => Promise<T>,
  ): Promise<T | undefined> {
    const draft = AuditContext.start('worker', `job ${operation}`, randomUUID());
    draft.actor = { ...operatorActor(), surface: 'worker' };
    draft.workspaceId = workspaceId;
    draft.args = args;
    draft.described = true;
    try {
      return await AuditContext.run(draft, () => this.audited.run(work));
    } catch (err) {
      if (err instanceof NothingToDo) return undefined;
      throw err;
    }
  }
}
