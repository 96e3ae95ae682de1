import { Global, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { UsersModule } from '../domain/users/users.module';
import { WorkspacesModule } from '../domain/workspaces/workspaces.module';
import { createOAuthProvider } from './oauth-provider.factory';
import { OAuthConnectionsService } from './oauth-connections.service';
import { OAuthConsentService } from './oauth-consent.service';
import { OAuthTokenVerifier } from './oauth-token-verifier.service';
import { OAuthConnectionLookup } from './oauth-connection-lookup';
import { AccessEpochModule } from '../access/access-epoch.module';
import { OAuthController } from './oauth.controller';
import { OAuthUnit } from './oauth-unit-of-work';
import { isUuid } from '../common/validation/uuid';
import { OIDC_PROVIDER } from './oauth.tokens';
import { WellKnownController } from './well-known.controller';
import { ExpiredCredentialsSweeperJob } from './expired-credentials-sweeper.job';
import { RegistrationLimiter } from './registration-limiter';

@Global()
@Module({
  imports: [UsersModule, WorkspacesModule, AccessEpochModule],
  controllers: [WellKnownController, OAuthController],
  providers: [
    {
      provide: OIDC_PROVIDER,
      inject: [APP_CONFIG, getDataSourceToken()],
      useFactory: (config: AppConfig & { secretKey: string }, dataSource: DataSource) => {
        // On the request's own transaction once it has written (see OAuthUnit.read).
        const first = async <T>(sql: string, id: string) => (await OAuthUnit.read<T[]>(dataSource, sql, [id]))[0];
        return createOAuthProvider(
          config,
          dataSource,
          async (id) =>
            isUuid(id) &&
            (await first<{ status: string }>(`SELECT status FROM users WHERE id = $1`, id))?.status === 'active',
          async (grantId) =>
            (
              await first<{ workspace_id: string }>(
                `SELECT workspace_id FROM oauth_connections WHERE grant_id = $1 AND revoked_at IS NULL`,
                grantId,
              )
            )?.workspace_id,
        );
      },
    },
    OAuthConnectionsService,
    OAuthConsentService,
    OAuthTokenVerifier,
    OAuthConnectionLookup,
    ExpiredCredentialsSweeperJob,
    RegistrationLimiter,
  ],
  exports: [OIDC_PROVIDER, OAuthConnectionsService, OAuthConsentService, OAuthTokenVerifier],
})
export class OAuthModule {}
