import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type EntityManager, type Repository } from 'typeorm';
import { AppError, notFound } from '../../common/app-error';
import { AuditContext } from '../../audit/audit-context';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import type { Actor, Principal } from '../actor';
import { bindingFrom, readBinding } from '../workspace-binding';
import { roleAtLeast } from '../roles';
import { BUNDLES, BUNDLE_NAMES, isBundleName, isScope, type Scope } from '../scopes';
import { ApiKeyEntity } from './api-key.entity';
import {
  generateApiKeyToken,
  hashApiKeyToken,
  isApiKeyPrefix,
  parseApiKeyToken,
  tokenMatchesHash,
} from './api-key-token';
import { UUID_PATTERN } from '../../common/validation/uuid';
import { ApiKeyLookup } from './api-key-lookup';
import { stampLastUsed } from '../last-used';
import { TOOL_SCOPES } from '../../mcp/tool-scopes';
import { assertHolds } from '../assert-holds';
import { lockMembership } from '../../domain/workspaces/membership-lock';
import { assertSafeName } from '../../common/validation/assert-safe-name';
import { paginateExact, type Page } from '../../common/pagination';
import type { KeyStatus } from './key-status';
import { assertKeyListsBounded, assertToolsNamedOnce, shownName } from './key-lists';

export interface CreateApiKeyInput {
  workspaceId: string;
  name: string;
  /** Scope names, bundle names, or both; the union is granted. */
  scopes: string[];
  toolAllowlist?: string[];
  /** May read the workspace's audit trail; only an admin's or owner's key, never by default. */
  auditAccess?: boolean;
  expiresAt?: Date;
  createdByUserId?: string;
}

export interface ListApiKeysOptions {
  status?: KeyStatus;
  cursor?: string;
  limit?: number;
}

/** Each status as toApiKeyResponse decides it, at the instant :now. */
const STATUS_CONDITIONS: Record<KeyStatus, string> = {
  active: 'k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > :now)',
  expired: 'k.revoked_at IS NULL AND k.expires_at <= :now',
  revoked: 'k.revoked_at IS NOT NULL',
};

/**
 * Names are unique among live keys (the index api_keys_live_name_key): an expired key holding the
 * name gives it up to the key being created, and stays listed as expired under it. Its row is locked
 * by the update, so a second creation of the name waits here and then finds the new key.
 */
async function releaseExpiredName(m: EntityManager, workspaceId: string, name: string): Promise<void> {
  // The clock that says a key has expired when it is used and listed (the app's), not the database's.
  await m.query(
    `UPDATE api_keys SET name_released_at = $3
      WHERE workspace_id = $1 AND name = $2 AND revoked_at IS NULL AND name_released_at IS NULL AND expires_at <= $3`,
    [workspaceId, name, new Date()],
  );
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly audited: AuditedTransactions,
    private readonly lookup: ApiKeyLookup,
  ) {}

  /** The names that are not MCP tools, each once. */
  static unknownTools(names: string[]): string[] {
    return [...new Set(names.filter((n) => !TOOL_SCOPES.has(n)))];
  }

  /** The named tools that need a scope the key is not granted, each once, with what it lacks. */
  static toolsBeyondScopes(names: string[], granted: readonly Scope[]): { tool: string; missing: Scope[] }[] {
    return [...new Set(names)].flatMap((tool) => {
      const missing = (TOOL_SCOPES.get(tool) ?? []).filter((s) => !granted.includes(s));
      return missing.length ? [{ tool, missing }] : [];
    });
  }

  /** Expands bundle names and checks every scope; unknown names are refused, never ignored. */
  static expandScopes(names: string[]): Scope[] {
    const out = new Set<Scope>();
    const unknown: string[] = [];
    for (const name of names) {
      if (isBundleName(name)) BUNDLES[name].scopes.forEach((s) => out.add(s));
      else if (isScope(name)) out.add(name);
      else unknown.push(name);
    }
    if (unknown.length) {
      throw new AppError(
        'validation_failed',
        `unknown scope or bundle: ${unknown.map(shownName).join(', ')} (bundles: ${BUNDLE_NAMES.join(', ')})`,
        [{ field: 'scopes', issue: 'unknown' }],
      );
    }
    if (!out.size)
      throw new AppError('validation_failed', 'at least one scope or bundle is required', [
        { field: 'scopes', issue: 'empty' },
      ]);
    return [...out];
  }

  async create(
    actor: Actor,
    input: CreateApiKeyInput,
    manager?: EntityManager,
  ): Promise<{ key: ApiKeyEntity; token: string }> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 100) {
      throw new AppError('validation_failed', 'name must be 1 to 100 characters', [{ field: 'name', issue: 'length' }]);
    }
    // Checked here, not only in the REST body: the console and the CLI create keys too.
    assertSafeName(name);
    // Before the names are looked up, so a pasted dump is refused in one line, not one per name.
    assertKeyListsBounded(input.scopes, input.toolAllowlist ?? []);
    const scopes = ApiKeysService.expandScopes(input.scopes);
    assertHolds(actor, scopes, 'you cannot grant scopes you do not hold', 'scopes');
    // A misspelt tool would leave a key that can call nothing: refused, naming it.
    const unknownTools = ApiKeysService.unknownTools(input.toolAllowlist ?? []);
    if (unknownTools.length) {
      throw new AppError(
        'validation_failed',
        `unknown tools: ${unknownTools.map(shownName).join(', ')}`,
        unknownTools.map((t) => ({ field: 'tools', issue: `unknown tool ${shownName(t)}` })),
      );
    }
    // So would a tool the key's own scopes do not allow: it stays hidden from the key for good.
    const beyondScopes = ApiKeysService.toolsBeyondScopes(input.toolAllowlist ?? [], scopes);
    if (beyondScopes.length) {
      const described = beyondScopes.map((b) => `${b.tool} needs ${b.missing.join(' ')}`);
      throw new AppError(
        'validation_failed',
        `the key's scopes do not allow these tools: ${described.join('; ')}`,
        described.map((issue) => ({ field: 'tools', issue })),
      );
    }
    assertToolsNamedOnce(input.toolAllowlist ?? []);
    // A limited or expiring key cannot mint a broader or longer-lived one.
    if (actor.toolAllowlist) {
      const beyond = (input.toolAllowlist ?? []).filter((t) => !actor.toolAllowlist?.includes(t));
      if (!input.toolAllowlist?.length || beyond.length) {
        throw new AppError(
          'forbidden',
          'a key limited to named tools can only create keys limited to some of those tools',
          [{ field: 'tools', issue: 'beyond the creator' }],
        );
      }
    }
    if (actor.expiresAt && (!input.expiresAt || input.expiresAt > actor.expiresAt)) {
      throw new AppError(
        'validation_failed',
        `the new key must expire no later than yours (${actor.expiresAt.toISOString()})`,
        [{ field: 'expires_at', issue: 'beyond the creator' }],
      );
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new AppError('validation_failed', 'expiry must be in the future', [{ field: 'expires_at', issue: 'past' }]);
    }
    const insert = async (m: EntityManager) => {
      AuditContext.concerns(input.workspaceId);
      if (input.createdByUserId) await lockMembership(m, input.workspaceId, input.createdByUserId);
      if (input.auditAccess) await this.assertMayGrantAuditAccess(actor, input, m);
      const keys = m.getRepository(ApiKeyEntity);
      await releaseExpiredName(m, input.workspaceId, name);
      const live = { workspaceId: input.workspaceId, name, revokedAt: IsNull(), nameReleasedAt: IsNull() };
      if (await keys.exists({ where: live })) {
        throw new AppError('conflict', `an active key named "${name}" already exists in this workspace`);
      }
      const { token, prefix } = generateApiKeyToken();
      let key: ApiKeyEntity;
      try {
        key = await keys.save(
          keys.create({
            workspaceId: input.workspaceId,
            name,
            prefix,
            secretHash: hashApiKeyToken(token),
            scopes,
            toolAllowlist: input.toolAllowlist?.length ? input.toolAllowlist : null,
            auditAccess: input.auditAccess ?? false,
            expiresAt: input.expiresAt ?? null,
            createdByUserId: input.createdByUserId ?? null,
          }),
        );
      } catch (err) {
        // Two creations racing past the name check meet the unique index: still a conflict, not a 500.
        if ((err as { code?: string }).code === '23505')
          throw new AppError('conflict', `an active key named "${name}" already exists in this workspace`);
        throw err;
      }
      // The new key's id and what it may do, which the arguments (a bundle, a console form) do not say.
      AuditContext.noteResult('key', {
        key_id: key.id,
        scopes: key.scopes,
        ...(key.toolAllowlist && { tools: key.toolAllowlist }),
        audit_access: key.auditAccess,
      });
      return { key, token };
    };
    return manager ? insert(manager) : this.audited.run(insert);
  }

  /**
   * audit_access lets a key read who did what in the workspace, which only admins may do: the member
   * behind the new key must be an admin or owner now, and a credential passes it on only if it holds
   * it (a person in the console holds it through their role). Nothing is created when refused.
   */
  private async assertMayGrantAuditAccess(actor: Actor, input: CreateApiKeyInput, m: EntityManager): Promise<void> {
    if ((actor.kind === 'api_key' || actor.kind === 'agent') && !actor.auditAccess) {
      throw new AppError(
        'forbidden',
        'a key without audit_access cannot create a key with audit_access; create it with a key that has it, or in the console',
        [{ field: 'audit_access', issue: 'beyond the creator' }],
      );
    }
    // The operator creates a key for a member (whose current role counts) or a service identity,
    // which has an admin's ceiling.
    const operator = actor.kind === 'operator';
    const role = !operator
      ? actor.role
      : input.createdByUserId
        ? (await readBinding(m, input.workspaceId, input.createdByUserId))?.role
        : 'admin';
    if (role && roleAtLeast(role, 'admin')) return;
    throw new AppError(
      'insufficient_role',
      `only a key created by an admin or owner can have audit_access; ${operator ? "its creator's" : 'your'} ` +
        `role in this workspace is ${role ?? 'none'}`,
      [{ field: 'audit_access', issue: 'needs admin or owner' }],
    );
  }

  /**
   * A workspace's keys, newest first, a page at a time: revoked and expired keys are kept for the
   * record, so a workspace's list only grows. With a status, only the keys in it at `now`.
   */
  list(workspaceId: string, options: ListApiKeysOptions = {}, now = new Date()): Promise<Page<ApiKeyEntity>> {
    const query = this.keys.createQueryBuilder('k').where('k.workspace_id = :workspaceId', { workspaceId });
    if (options.status) query.andWhere(STATUS_CONDITIONS[options.status], { now });
    return paginateExact(query, options);
  }

  async revoke(actor: Actor, workspaceId: string, idOrPrefix: string): Promise<ApiKeyEntity> {
    const where = isApiKeyPrefix(idOrPrefix)
      ? { workspaceId, prefix: idOrPrefix }
      : UUID_PATTERN.test(idOrPrefix)
        ? { workspaceId, id: idOrPrefix }
        : undefined;
    if (!where) throw notFound('API key');
    AuditContext.concerns(workspaceId);
    return this.audited.run(async (m) => {
      const key = await m.getRepository(ApiKeyEntity).findOne({ where, lock: { mode: 'pessimistic_write' } });
      if (!key) throw notFound('API key');
      assertHolds(actor, key.scopes, 'you cannot revoke a key holding scopes you do not hold', 'scopes');
      // Named by id even when the caller gave its prefix, which the preview does not keep.
      AuditContext.noteResult('key', { key_id: key.id });
      if (!key.revokedAt) {
        key.revokedAt = new Date();
        await m.save(key);
      }
      return key;
    });
  }

  /**
   * The principal a bearer token stands for, or undefined for anything but a live key. Role and
   * workspace policy are applied afterwards, per request (see ResolveWorkspaceGuard).
   */
  async authenticate(token: string): Promise<Principal | undefined> {
    const parsed = parseApiKeyToken(token);
    if (!parsed) return undefined;
    // The key, its workspace's policy and its creator's current role: the resolve-workspace guard
    // then needs no query of its own.
    const key = await this.lookup.byPrefix(parsed.prefix);
    if (!key || !tokenMatchesHash(token, key.secret_hash)) return undefined;
    const ended = key.revoked_at
      ? 'the API key was revoked'
      : key.expires_at && key.expires_at.getTime() <= Date.now()
        ? 'the API key expired'
        : undefined;
    if (ended) {
      const credential = { kind: 'api_key' as const, keyId: key.id, userId: key.created_by_user_id ?? undefined };
      AuditContext.refusedCredential(key.workspace_id, credential, ended);
      return undefined;
    }
    stampLastUsed(
      key.last_used_at,
      (at) => this.lookup.noteUsed(parsed.prefix, at),
      (at) => this.keys.update({ id: key.id }, { lastUsedAt: at }),
    );
    return {
      kind: 'api_key',
      keyId: key.id,
      userId: key.created_by_user_id ?? undefined,
      workspaceId: key.workspace_id,
      grantedScopes: new Set(key.scopes.filter(isScope)),
      toolAllowlist: key.tool_allowlist ?? undefined,
      auditAccess: key.audit_access,
      expiresAt: key.expires_at ?? undefined,
      binding: bindingFrom(key, key.created_by_user_id),
    };
  }
}
