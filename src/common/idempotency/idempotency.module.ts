import { Module } from '@nestjs/common';
import { IdempotencySweeperJob } from './idempotency-sweeper.job';
import { IdempotencyService } from './idempotency.service';

@Module({ providers: [IdempotencyService, IdempotencySweeperJob], exports: [IdempotencyService] })
export class IdempotencyModule {}
