import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { AuditContext } from './audit-context';
import { AuditWriter } from './audit-writer.service';

/**
 * A file download cannot be held in memory until its record commits, as every other answer is.
 * Its record is committed first, as an allowed read, and only then do the bytes start to flow; if
 * the record cannot be written, nothing is sent.
 */
@Injectable()
export class AuditedStreams {
  constructor(private readonly writer: AuditWriter) {}

  async commitBeforeStreaming(): Promise<void> {
    const draft = AuditContext.current();
    if (!draft)
      throw new AppError('unavailable', 'reads of stored files must be audited, and no audit context is open');
    if (draft.written) return;
    draft.decision ??= 'allowed';
    await this.writer.write(this.writer.toFields(draft, 'ok'));
    draft.written = true;
    draft.released = true;
  }
}
