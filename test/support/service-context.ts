import type { DynamicModule, ForwardReference, Provider, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../../src/audit/audit.module';
import { ConfigModule } from '../../src/config/config.module';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { UsersModule } from '../../src/domain/users/users.module';
import { WorkspacesModule } from '../../src/domain/workspaces/workspaces.module';
import { databaseUrl, testConfig } from './test-config';

export interface ServiceContextOptions {
  /** The modules under test, on top of config, the database, audit, users and workspaces. */
  imports?: (Type | DynamicModule | ForwardReference)[];
  providers?: Provider[];
  /** Database connections; more where a test runs calls concurrently. */
  poolSize?: number;
}

/**
 * Services wired as the app wires them, against the suite's database but without HTTP and with
 * Nest's logger silenced: for medium tests that call services directly. Close it in afterAll.
 */
export async function startServiceContext({
  imports = [],
  providers = [],
  poolSize = 2,
}: ServiceContextOptions = {}): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(testConfig()),
      TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl(), poolSize), logging: false }),
      AuditModule,
      UsersModule,
      WorkspacesModule,
      ...imports,
    ],
    providers,
  })
    .setLogger({ log() {}, error() {}, warn() {} })
    .compile();
  await moduleRef.init();
  return moduleRef;
}
