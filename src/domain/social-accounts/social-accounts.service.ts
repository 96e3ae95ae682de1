import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { workspaceOf, type Actor } from '../../access/actor';
import { AuditContext } from '../../audit/audit-context';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError, invalidField, notFound, nothingToChange, type ErrorDetail } from '../../common/app-error';
import { requireAllInWorkspace } from '../../common/require-all-in-workspace';
import { paginate, type Page } from '../../common/pagination';
import { hasControlCharacters } from '../../common/validation/control-characters';
import { isPlatform, PLATFORMS, type Platform } from '../../publishing/rules/platforms';
import { ACCOUNT_CAPABILITIES, type AccountCapability } from '../../publishing/rules/rule-types';
import { platformsLiftedBy } from './account-capabilities';
import { SOCIAL_ACCOUNT_STATUSES, SocialAccountEntity, type SocialAccountStatus } from './social-account.entity';
import { UUID_PATTERN } from '../../common/validation/uuid';

export interface RegisterSocialAccountInput {
  platform: string;
  display_name: string;
  external_id: string;
  handle?: string | null;
  status?: string;
  capabilities?: string[];
}

export interface UpdateSocialAccountInput {
  display_name?: string;
  handle?: string | null;
  status?: string;
  capabilities?: string[];
}

export interface SocialAccountFilters {
  platform?: Platform;
  status?: SocialAccountStatus;
  cursor?: string;
  limit?: number;
}

/** Lengths every surface enforces (REST DTOs, tool schemas and this service for the CLI). */
export const SOCIAL_ACCOUNT_LIMITS = { displayName: 200, handle: 100, externalId: 200 } as const;
/** A platform's own id: printable ASCII without spaces (numbers, `accounts/1/locations/2`, …). */
export const EXTERNAL_ID_PATTERN = /^[\x21-\x7E]+$/;

function line(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) throw invalidField(field, `must be 1 to ${max} characters`);
  if (hasControlCharacters(trimmed, true))
    throw invalidField(field, 'must be one line without control characters or half characters');
  return trimmed;
}

function status(value: string): SocialAccountStatus {
  if (!(SOCIAL_ACCOUNT_STATUSES as readonly string[]).includes(value))
    throw invalidField('status', `must be one of ${SOCIAL_ACCOUNT_STATUSES.join(', ')}`);
  return value as SocialAccountStatus;
}

/** Known capabilities only, each one meaningful for this platform; duplicates collapse. */
function capabilities(platform: Platform, values: readonly string[]): AccountCapability[] {
  const details: ErrorDetail[] = [];
  for (const value of values) {
    if (!(ACCOUNT_CAPABILITIES as readonly string[]).includes(value))
      details.push({
        field: 'capabilities',
        issue: `unknown capability ${value} (known: ${ACCOUNT_CAPABILITIES.join(', ')})`,
      });
    else if (!platformsLiftedBy(value as AccountCapability).includes(platform))
      details.push({ field: 'capabilities', issue: `${value} does not apply to ${platform} accounts` });
  }
  if (details.length) throw new AppError('validation_failed', details.map((d) => d.issue).join('; '), details);
  return [...new Set(values as AccountCapability[])];
}

/**
 * The network accounts of a workspace that posts can target. This is their metadata only: no
 * credentials are stored here, and nothing here posts. Registration is for admins (and the
 * operator); reading is for anyone holding the social_accounts scopes.
 */
@Injectable()
export class SocialAccountsService {
  constructor(
    @InjectRepository(SocialAccountEntity) private readonly accounts: Repository<SocialAccountEntity>,
    private readonly audited: AuditedTransactions,
  ) {}

  /** Newest first; filters narrow by platform and status. */
  async list(actor: Actor, filters: SocialAccountFilters = {}): Promise<Page<SocialAccountEntity>> {
    const query = this.accounts
      .createQueryBuilder('a')
      .where('a.workspace_id = :workspaceId', { workspaceId: workspaceOf(actor) });
    if (filters.platform) query.andWhere('a.platform = :platform', { platform: filters.platform });
    if (filters.status) query.andWhere('a.status = :status', { status: filters.status });
    return paginate(query, filters);
  }

  /** An account of the actor's workspace; another workspace's account is "not found", like a missing one. */
  async get(actor: Actor, id: string): Promise<SocialAccountEntity> {
    const workspaceId = workspaceOf(actor);
    const account = UUID_PATTERN.test(id) ? await this.accounts.findOne({ where: { workspaceId, id } }) : null;
    if (!account) throw notFound('social account');
    return account;
  }

  /** Records an account's metadata in the actor's workspace. One record per platform account. */
  async register(actor: Actor, input: RegisterSocialAccountInput): Promise<SocialAccountEntity> {
    const workspaceId = workspaceOf(actor);
    if (!isPlatform(input.platform)) throw invalidField('platform', `must be one of ${PLATFORMS.join(', ')}`);
    const platform = input.platform;
    const externalId = input.external_id.trim();
    if (externalId.length < 1 || externalId.length > SOCIAL_ACCOUNT_LIMITS.externalId)
      throw invalidField('external_id', `must be 1 to ${SOCIAL_ACCOUNT_LIMITS.externalId} characters`);
    if (!EXTERNAL_ID_PATTERN.test(externalId))
      throw invalidField('external_id', 'must be printable ASCII without spaces');
    const fields = {
      workspaceId,
      platform,
      externalId,
      displayName: line('display_name', input.display_name, SOCIAL_ACCOUNT_LIMITS.displayName),
      handle: input.handle == null ? null : line('handle', input.handle, SOCIAL_ACCOUNT_LIMITS.handle),
      status: status(input.status ?? 'active'),
      capabilities: capabilities(platform, input.capabilities ?? []),
    };
    const duplicate = () =>
      new AppError('conflict', `a ${platform} account with external_id ${externalId} is already registered here`, [
        { field: 'external_id', issue: 'already registered' },
      ]);
    AuditContext.concerns(workspaceId);
    return this.audited.run(async (m) => {
      if (await m.exists(SocialAccountEntity, { where: { workspaceId, platform, externalId } })) throw duplicate();
      try {
        return await m.save(m.create(SocialAccountEntity, fields));
      } catch (err) {
        // Two registrations racing past the check meet the unique index: still a conflict, not a 500.
        if ((err as { code?: string }).code === '23505') throw duplicate();
        throw err;
      }
    });
  }

  /** Changes what a human may change: name, handle, status and declared capabilities — never the identity. */
  async update(actor: Actor, id: string, input: UpdateSocialAccountInput): Promise<SocialAccountEntity> {
    const workspaceId = workspaceOf(actor);
    const changes: Partial<SocialAccountEntity> = {};
    if (input.display_name !== undefined)
      changes.displayName = line('display_name', input.display_name, SOCIAL_ACCOUNT_LIMITS.displayName);
    if (input.handle !== undefined)
      changes.handle = input.handle === null ? null : line('handle', input.handle, SOCIAL_ACCOUNT_LIMITS.handle);
    if (input.status !== undefined) changes.status = status(input.status);
    if (!Object.keys(changes).length && input.capabilities === undefined) throw nothingToChange();
    if (!UUID_PATTERN.test(id)) throw notFound('social account');
    AuditContext.concerns(workspaceId);
    return this.audited.run(async (m) => {
      const account = await m.findOne(SocialAccountEntity, {
        where: { workspaceId, id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!account) throw notFound('social account');
      if (input.capabilities !== undefined) changes.capabilities = capabilities(account.platform, input.capabilities);
      return m.save(Object.assign(account, changes));
    });
  }

  /**
   * The accounts, in the order asked, for use as targets. An id of another workspace is reported
   * exactly like one that does not exist.
   */
  requireUsable(
    m: EntityManager,
    workspaceId: string,
    ids: readonly string[],
    field = 'social_account_ids',
  ): Promise<SocialAccountEntity[]> {
    return requireAllInWorkspace(m, SocialAccountEntity, workspaceId, ids, field, 'social account');
  }
}
