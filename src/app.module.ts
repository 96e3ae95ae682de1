import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type Type,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalGuard } from './access/approval.guard';
import { ApiKeysModule } from './access/api-keys/api-keys.module';
import { AuthenticationGuard } from './access/authentication.guard';
import { ResolveWorkspaceGuard } from './access/resolve-workspace.guard';
import { RoleGuard } from './access/role.guard';
import { ScopesGuard } from './access/scopes.guard';
import { AccessModule } from './access/access.module';
import { AuditMiddleware } from './audit/audit.middleware';
import { AuditModule } from './audit/audit.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { bodyParsers, mcpBodyLimitBytes } from './common/body-parsers';
import { refuseJsonRpcBatches } from './mcp/refuse-batches';
import { ConfigModule } from './config/config.module';
import { APP_CONFIG, type AppConfig } from './config/config.types';
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
import { HealthModule } from './health/health.module';
import { LoggingModule, requestIdMiddleware } from './logging/logging.module';
import { PublishingModule } from './publishing/publishing.module';

export interface AppRuntime {
  config: AppConfig & { secretKey: string };
  databaseUrl: string;
  /** The controller that owns `/mcp`, built with the MCP strategy (see createMcpServer). */
  mcpController: Type<unknown>;
}

@Module({})
export class AppModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * Runs after the request logger (an imported module's middleware), so every request has its id.
   * The audit draft opens before bodies are parsed: a malformed or oversized body, or a JSON-RPC
   * batch, is refused and recorded like any other invalid call.
   */
  configure(consumer: MiddlewareConsumer): void {
    // /mcp admits an inline media upload (base64) up to the configured cap; every other route keeps 1 MB.
    consumer
      .apply(
        requestIdMiddleware,
        AuditMiddleware,
        ...bodyParsers({ mcpLimitBytes: mcpBodyLimitBytes(this.config.media.maxInlineBytes) }),
        refuseJsonRpcBatches,
      )
      .forRoutes('*path');
  }

  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(runtime.config),
        LoggingModule.forRoot(runtime.config),
        TypeOrmModule.forRoot(dataSourceOptions(runtime.databaseUrl)),
        PublishingModule.forRoot(runtime.config),
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
      ],
    };
  }
}
