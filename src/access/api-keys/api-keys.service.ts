import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type EntityManager, type Repository } from 'typeorm';
import { AppError, notFound } from '../../common/app-error';
import { WorkspacesService } from '../../domain/workspaces/workspaces.service';
import type { Actor } from '../actor';
import { ROLE_CEILINGS } from '../roles';
import { BUNDLES, BUNDLE_NAMES, isBundleName, isScope, type Scope } from '../scopes';
import { ApiKeyEntity } from './api-key.entity';
import { generateApiKeyToken, hashApiKeyToken, parseApiKeyToken, tokenMatchesHash } from './api-key-token';

export interface CreateApiKeyInput {
  workspaceId: string;
  name: string;
  /** Scope names, bundle names, or both; the union is granted. */
  scopes: string[];
  toolAllowlist?: string[];
  expiresAt?: Date;
  createdByUserId?: string;
}

/** Throttles `last_used_at` writes: one per key per minute is plenty for "last used". */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly workspaces: WorkspacesService,
  ) {}

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
        `unknown scope or bundle: ${unknown.join(', ')} (bundles: ${BUNDLE_NAMES.join(', ')})`,
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
    _actor: Actor,
    input: CreateApiKeyInput,
    manager?: EntityManager,
  ): Promise<{ key: ApiKeyEntity; token: string }> {
    const keys = manager ? manager.getRepository(ApiKeyEntity) : this.keys;
    const name = input.name.trim();
    if (name.length < 1 || name.length > 100) {
      throw new AppError('validation_failed', 'name must be 1 to 100 characters', [{ field: 'name', issue: 'length' }]);
    }
    const scopes = ApiKeysService.expandScopes(input.scopes);
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new AppError('validation_failed', 'expiry must be in the future', [{ field: 'expiresAt', issue: 'past' }]);
    }
    if (await keys.exists({ where: { workspaceId: input.workspaceId, name, revokedAt: IsNull() } })) {
      throw new AppError('conflict', `an active key named "${name}" already exists in this workspace`);
    }
    const { token, prefix } = generateApiKeyToken();
    const key = await keys.save(
      keys.create({
        workspaceId: input.workspaceId,
        name,
        prefix,
        secretHash: hashApiKeyToken(token),
        scopes,
        toolAllowlist: input.toolAllowlist?.length ? input.toolAllowlist : null,
        expiresAt: input.expiresAt ?? null,
        createdByUserId: input.createdByUserId ?? null,
      }),
    );
    return { key, token };
  }

  list(_actor: Actor, workspaceId: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { workspaceId }, order: { createdAt: 'ASC' } });
  }

  async revoke(_actor: Actor, workspaceId: string, idOrPrefix: string): Promise<ApiKeyEntity> {
    const key = await this.keys.findOne({
      where: /^pst_/.test(idOrPrefix) ? { workspaceId, prefix: idOrPrefix } : { workspaceId, id: idOrPrefix },
    });
    if (!key) throw notFound('API key');
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await this.keys.save(key);
    }
    return key;
  }

  /**
   * The actor a bearer token stands for, or undefined for anything not a live key. The scopes are
   * cut down to the creating user's current role, so a demotion limits their keys at once.
   */
  async authenticate(token: string, surface: Actor['surface']): Promise<Actor | undefined> {
    const parsed = parseApiKeyToken(token);
    if (!parsed) return undefined;
    const key = await this.keys.findOne({ where: { prefix: parsed.prefix } });
    if (!key || !tokenMatchesHash(token, key.secretHash)) return undefined;
    if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= Date.now())) return undefined;

    let scopes: Scope[] = key.scopes.filter(isScope);
    let role;
    if (key.createdByUserId) {
      role = await this.workspaces.roleOf(key.createdByUserId, key.workspaceId);
      if (!role) return undefined;
      const ceiling = ROLE_CEILINGS[role];
      scopes = scopes.filter((s) => ceiling.has(s));
    }
    this.touch(key);
    return {
      kind: 'api_key',
      surface,
      keyId: key.id,
      userId: key.createdByUserId ?? undefined,
      workspaceId: key.workspaceId,
      role,
      scopes: new Set(scopes),
      toolAllowlist: key.toolAllowlist ?? undefined,
    };
  }

  private touch(key: ApiKeyEntity): void {
    const now = Date.now();
    if (key.lastUsedAt && now - key.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    // Best effort: "last used" must never fail or slow the call it describes.
    this.keys.update({ id: key.id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
  }
}
