import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditMiddleware } from './audit.middleware';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifier } from './audit-verifier.service';
import { AuditedStreams } from './audited-streams.service';
import { AuditWriter } from './audit-writer.service';
import { AuditedTransactions } from './audited-transactions.service';

@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditWriter, AuditedTransactions, AuditedStreams, AuditVerifier, AuditQueryService, AuditMiddleware],
  exports: [AuditWriter, AuditedTransactions, AuditedStreams, AuditVerifier, AuditMiddleware],
})
export class AuditModule {}
