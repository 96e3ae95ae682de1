import { Module } from '@nestjs/common';
import { AccessEpoch } from './access-epoch';

/** One AccessEpoch per process, shared by every credential lookup, so their epoch reads are shared too. */
@Module({ providers: [AccessEpoch], exports: [AccessEpoch] })
export class AccessEpochModule {}
