import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditMiddleware } from './audit.middleware';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifier } from './audit-verifier.service';
import { AuditWriter } from './audit-writer.service';
import { AuditedTransactions } from './audited-transactions.service';

@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditWriter, AuditedTransactions, AuditVerifier, AuditQueryService, AuditMiddleware],
  exports: [AuditWriter, AuditedTransactions, AuditVerifier, AuditMiddleware],
})
export class AuditModule {}
