import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IsNull, MoreThan, type DataSource } from 'typeorm';
import { operatorActor } from '../../access/actor';
import { ApiKeysService } from '../../access/api-keys/api-keys.service';
import { AuditContext } from '../../audit/audit-context';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError } from '../../common/app-error';
import { APP_CONFIG, type AppConfig } from '../../config/config.types';
import { UserEntity } from '../../domain/users/user.entity';
import { UsersService } from '../../domain/users/users.service';
import { WorkspacesService } from '../../domain/workspaces/workspaces.service';
import { SetupTokenEntity } from './setup-token.entity';

export interface SetupResult {
  email: string;
  workspaceSlug: string;
  apiKey: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const FIRST_KEY_BUNDLE = 'ai-publishing-assistant';

/**
 * First run on an empty database: create the owner from POSTERN_ADMIN_* when given, otherwise
 * issue a one-time, expiring setup link. Once any user exists, setup is closed for good.
 */
@Injectable()
export class SetupService {
  private readonly logger = new Logger('Setup');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly workspaces: WorkspacesService,
    private readonly apiKeys: ApiKeysService,
    private readonly audited: AuditedTransactions,
  ) {}

  /** Returns the setup link to print, or undefined when an owner exists (or was just created). */
  async prepare(): Promise<string | undefined> {
    if ((await this.users.count()) > 0) return undefined;
    // Runs at start-up, on the operator's behalf, so it is audited as the `serve` command.
    return AuditContext.run(AuditContext.start('cli', 'cli serve first-run setup', randomUUID()), () =>
      this.firstRun(),
    );
  }

  private async firstRun(): Promise<string | undefined> {
    if (this.config.admin) {
      await this.createOwner(this.config.admin.email, this.config.admin.password, 'Default');
      this.logger.log(`created owner ${this.config.admin.email} and workspace "default" from POSTERN_ADMIN_EMAIL`);
      return undefined;
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.setupTokenTtlMinutes * 60_000);
    await this.audited.run(async (m) => {
      // Only the newest link works: printing a new one retires the old.
      await m.update(SetupTokenEntity, { usedAt: IsNull() }, { usedAt: new Date() });
      await m.save(m.create(SetupTokenEntity, { tokenHash: hashToken(token), expiresAt }));
    });
    return `${this.config.publicUrl}/console/setup?token=${token}`;
  }

  /** True when the token is current, unused and setup is still open. Never consumes it. */
  async tokenValid(token: string): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
    const row = await this.dataSource.getRepository(SetupTokenEntity).findOne({
      where: { tokenHash: hashToken(token), usedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
    return !!row && (await this.users.count()) === 0;
  }

  /** Consumes the token and creates owner, workspace and a first API key, all or nothing. */
  async complete(
    token: string,
    input: { email: string; password: string; workspaceName: string },
  ): Promise<SetupResult> {
    return this.audited.run(async (m) => {
      const claimed = await m
        .createQueryBuilder()
        .update(SetupTokenEntity)
        .set({ usedAt: () => 'now()' })
        .where('token_hash = :h AND used_at IS NULL AND expires_at > now()', { h: hashToken(token) })
        .execute();
      if (!claimed.affected || (await m.count(UserEntity)) > 0) {
        throw new AppError(
          'setup_token_invalid',
          'this setup link is expired, used or replaced; restart Postern for a new one',
        );
      }
      const user = await this.users.create({ email: input.email, password: input.password }, m);
      const workspace = await this.workspaces.create(
        operatorActor(),
        { name: input.workspaceName, ownerUserId: user.id },
        m,
      );
      const { token: apiKey } = await this.apiKeys.create(
        operatorActor(),
        { workspaceId: workspace.id, name: 'first-agent', scopes: [FIRST_KEY_BUNDLE], createdByUserId: user.id },
        m,
      );
      return { email: user.email, workspaceSlug: workspace.slug, apiKey };
    });
  }

  private async createOwner(email: string, password: string, workspaceName: string): Promise<void> {
    await this.audited.run(async (m) => {
      const user = await this.users.create({ email, password }, m);
      await this.workspaces.create(operatorActor(), { name: workspaceName, slug: 'default', ownerUserId: user.id }, m);
    });
  }
}
