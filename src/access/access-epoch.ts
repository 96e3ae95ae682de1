import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FreshReads } from '../common/fresh-reads';
import { poolQuery } from '../database/pool-query';

/**
 * Reads the access epoch (migration 1763800000000) for calls that hold a cached credential lookup.
 * Each caller gets a value read by a statement that started after it asked, so any change
 * committed before its call arrived is seen; callers arriving together share one statement. A
 * failed read rejects its callers, and they refuse the call: nothing is authorised on a guess.
 */
@Injectable()
export class AccessEpoch {
  private readonly reads: FreshReads<string | null>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.reads = new FreshReads<string | null>(async () => {
      const [row] = await poolQuery<{ epoch: string }>(dataSource, 'SELECT epoch FROM access_epoch', []);
      return row?.epoch ?? null;
    });
  }

  /** The current epoch, or null when there is none (then nothing may be served from a cache). */
  read(): Promise<string | null> {
    return this.reads.read();
  }
}
