import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/app-error';
import { AuditContext } from './audit-context';
import { AuditWriter } from './audit-writer.service';

/**
 * The one way to change state: the change and the call's audit record commit in the same
 * transaction, or neither does. With no audit context to record into, the change is refused.
 */
@Injectable()
export class AuditedTransactions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: AuditWriter,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const draft = AuditContext.current();
    if (!draft) throw new AppError('unavailable', 'state changes must be audited, and no audit context is open');
    if (draft.written) throw new AppError('internal_error', 'this call already recorded a state change');
    const reasonBefore = draft.reason;
    let result: T;
    try {
      result = await this.dataSource.transaction(async (m) => {
        const value = await work(m);
        draft.decision ??= 'allowed';
        await this.writer.writeIn(m, this.writer.toFields(draft, 'ok'));
        return value;
      });
    } catch (err) {
      // The key or member it named was rolled back: the record of the failure must not name it,
      // nor give the reason `work` gave for a change that did not happen.
      draft.result = undefined;
      draft.reason = reasonBefore;
      throw err;
    }
    draft.written = true;
    return result;
  }
}
