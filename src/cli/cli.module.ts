import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../access/api-keys/api-keys.module';
import { AuditModule } from '../audit/audit.module';
import { ConfigModule } from '../config/config.module';
import type { AppConfig } from '../config/config.types';
import { dataSourceOptions } from '../database/data-source-options';
import { SocialAccountsModule } from '../domain/social-accounts/social-accounts.module';
import { UsersModule } from '../domain/users/users.module';
import { WorkspacesModule } from '../domain/workspaces/workspaces.module';

/** The services operator commands need, without HTTP, MCP or the queue. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl, 2), logging: false }),
        AuditModule,
        UsersModule,
        WorkspacesModule,
        ApiKeysModule,
        SocialAccountsModule,
      ],
    };
  }
}
