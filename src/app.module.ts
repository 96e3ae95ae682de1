import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalGuard } from './access/approval.guard';
import { ApiKeysModule } from './access/api-keys/api-keys.module';
import { AuthenticationGuard } from './access/authentication.guard';
import { EarlyRefusalAttribution } from './access/early-refusal-attribution';
import { ResolveWorkspaceGuard } from './access/resolve-workspace.guard';
import { RoleGuard } from './access/role.guard';
import { ScopesGuard } from './access/scopes.guard';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { LimitsModule } from './common/limits.module';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/config.types';
import { SetupModule } from './console/setup/setup.module';
import { ConsoleModule } from './console/console.module';
import { OAuthModule } from './oauth/oauth.module';
import { dataSourceOptions } from './database/data-source-options';
import { CampaignsModule } from './domain/campaigns/campaigns.module';
import { DraftsModule } from './domain/drafts/drafts.module';
import { MediaModule } from './domain/media/media.module';
import { PostsModule } from './domain/posts/posts.module';
import { SocialAccountsModule } from './domain/social-accounts/social-accounts.module';
import { UsersModule } from './domain/users/users.module';
import { WorkspacesModule } from './domain/workspaces/workspaces.module';
import { MembersModule } from './domain/workspaces/members.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { ListenStreams } from './mcp/listen-streams';
import { ListenStreamRevocation } from './mcp/listen-stream-revocation';
import { ListenStreamSlots } from './mcp/listen-stream-slots';
import { BearerRecheck } from './access/bearer-recheck';
import { PublishingModule } from './publishing/publishing.module';

export interface AppRuntime {
  config: AppConfig & { secretKey: string };
  databaseUrl: string;
  /** The controller that owns `/mcp`, built with the MCP strategy (see createMcpServer). */
  mcpController: Type<unknown>;
}

@Module({})
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(runtime.config),
        LoggingModule.forRoot(runtime.config),
        TypeOrmModule.forRoot(
          dataSourceOptions(runtime.databaseUrl, undefined, runtime.config.databaseStatementTimeoutMs),
        ),
        PublishingModule.forRoot(runtime.config),
        LimitsModule,
        AuditModule,
        AccessModule,
        HealthModule,
        UsersModule,
        WorkspacesModule,
        SocialAccountsModule,
        CampaignsModule,
        MediaModule,
        DraftsModule,
        PostsModule,
        ApiKeysModule,
        SetupModule,
        OAuthModule,
        MembersModule,
        ConsoleModule,
      ],
      controllers: [runtime.mcpController],
      providers: [
        // Order matters, and is the same for REST routes and MCP tools:
        // authenticate → resolve workspace (current role, effective scopes) → role → scopes → approval.
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: ResolveWorkspaceGuard },
        { provide: APP_GUARD, useClass: RoleGuard },
        { provide: APP_GUARD, useClass: ScopesGuard },
        { provide: APP_GUARD, useClass: ApprovalGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        ListenStreams,
        ListenStreamSlots,
        ListenStreamRevocation,
        BearerRecheck,
        EarlyRefusalAttribution,
      ],
    };
  }
}
