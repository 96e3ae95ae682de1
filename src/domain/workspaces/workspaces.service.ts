import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditContext } from '../../audit/audit-context';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import type { Actor } from '../../access/actor';
import { isRole, roleAtLeast, type Role } from '../../access/roles';
import { assertSafeName } from '../../common/validation/assert-safe-name';
import { AppError, notFound } from '../../common/app-error';
import { UserEntity } from '../users/user.entity';
import { MembershipEntity } from './membership.entity';
import { SLUG_PATTERN, slugify } from './slug';
import { WorkspaceEntity } from './workspace.entity';
import {
  APPROVAL_ACTIONS,
  canonicalTimeZone,
  resolveSettings,
  type ApprovalAction,
  type WorkspaceSettings,
} from './workspace-settings';
import { UUID_PATTERN } from '../../common/validation/uuid';

export interface CreateWorkspaceInput {
  name: string;
  slug?: string;
  ownerUserId?: string;
}

/** A change to the workspace's settings; fields left out stay as they are. */
export interface WorkspaceSettingsChanges {
  time_zone?: string;
  draft_first?: boolean;
  approval_policy?: { require_approval_for?: string[]; allow_self_approval?: boolean };
}

@Injectable()
export class WorkspacesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(WorkspaceEntity) private readonly workspaces: Repository<WorkspaceEntity>,
    private readonly audited: AuditedTransactions,
  ) {}

  /** The workspaces the actor may see: a key or token sees its own; an operator sees all. */
  async list(actor: Actor): Promise<WorkspaceEntity[]> {
    if (actor.kind === 'operator') return this.workspaces.find({ order: { createdAt: 'ASC' } });
    if (actor.workspaceId) {
      // The guards read the bound workspace in this request's credential statement; reading it
      // again would only add a round trip to the busiest tool.
      const read = actor.binding?.workspace;
      return read?.id === actor.workspaceId ? [read] : this.bound(actor.workspaceId);
    }
    if (!actor.userId) return [];
    return this.workspaces
      .createQueryBuilder('w')
      .innerJoin(MembershipEntity, 'm', 'm.workspace_id = w.id AND m.user_id = :userId', { userId: actor.userId })
      .orderBy('w.created_at', 'ASC')
      .getMany();
  }

  /** A bound actor built without the guards (a worker, a test): one plain statement. */
  private async bound(id: string): Promise<WorkspaceEntity[]> {
    const rows = await this.dataSource.query<
      {
        id: string;
        name: string;
        slug: string;
        plan: string;
        settings: WorkspaceSettings;
        created_at: Date;
        updated_at: Date;
      }[]
    >('SELECT id, name, slug, plan, settings, created_at, updated_at FROM workspaces WHERE id = $1', [id]);
    return rows.map((r) =>
      Object.assign(new WorkspaceEntity(), {
        id: r.id,
        name: r.name,
        slug: r.slug,
        plan: r.plan,
        settings: r.settings,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }),
    );
  }

  /** A workspace the actor may see, by id or slug; any other is "not found", never "forbidden". */
  async get(actor: Actor, idOrSlug: string): Promise<WorkspaceEntity> {
    const visible = await this.list(actor);
    const found = visible.find((w) => w.id === idOrSlug || w.slug === idOrSlug);
    if (!found) throw notFound('workspace');
    return found;
  }

  /** Operator lookup (CLI): by id or slug, across all workspaces. */
  async resolve(idOrSlug: string): Promise<WorkspaceEntity> {
    const where = UUID_PATTERN.test(idOrSlug) ? [{ id: idOrSlug }, { slug: idOrSlug }] : [{ slug: idOrSlug }];
    const found = await this.workspaces.findOne({ where });
    if (!found) throw notFound(`workspace ${idOrSlug}`);
    // The operator's command is about this workspace: its record goes on that chain, where the
    // workspace's admins see it, not on the global one.
    AuditContext.concerns(found.id);
    return found;
  }

  async create(_actor: Actor, input: CreateWorkspaceInput, manager?: EntityManager): Promise<WorkspaceEntity> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 100) {
      throw new AppError('validation_failed', 'name must be 1 to 100 characters', [{ field: 'name', issue: 'length' }]);
    }
    assertSafeName(name);
    const slug = input.slug ?? slugify(name);
    if (!SLUG_PATTERN.test(slug)) {
      throw new AppError('validation_failed', 'slug must be lower-case letters, digits and dashes (1–63)', [
        { field: 'slug', issue: 'format' },
      ]);
    }
    const run = async (m: EntityManager) => {
      if (await m.exists(WorkspaceEntity, { where: { slug } }))
        throw new AppError('conflict', `workspace slug ${slug} is taken`);
      const workspace = await m.save(
        m.create(WorkspaceEntity, { name, slug, plan: 'self-hosted', settings: { draftFirst: true } }),
      );
      AuditContext.concerns(workspace.id);
      if (input.ownerUserId) await this.insertMember(m, workspace.id, input.ownerUserId, 'owner');
      return workspace;
    };
    return manager ? run(manager) : this.audited.run(run);
  }

  /**
   * Changes the time zone, the draft-first policy or the approval policy, in one audited
   * transaction. The workspace's owner (signed in as a person) or the operator only — never an API
   * key or an agent connection, whatever the role behind it: a credential must not relax the policy
   * that limits it (DESIGN §2: settings are the owner's).
   */
  async updateSettings(actor: Actor, idOrSlug: string, changes: WorkspaceSettingsChanges): Promise<WorkspaceEntity> {
    if (actor.kind === 'agent' || actor.kind === 'api_key')
      throw new AppError(
        'forbidden',
        `${actor.kind === 'agent' ? 'an agent connection' : 'an API key'} cannot change workspace settings; ` +
          'the owner changes them with `postern workspace settings`',
      );
    if (actor.kind !== 'operator' && !roleAtLeast(actor.role ?? 'viewer', 'owner'))
      throw new AppError('insufficient_role', 'changing workspace settings needs the owner role', [
        { field: 'role', issue: 'owner' },
      ]);
    const patch = this.settingsPatch(changes);
    const target = actor.kind === 'operator' ? await this.resolve(idOrSlug) : await this.get(actor, idOrSlug);
    AuditContext.concerns(target.id);
    return this.audited.run(async (m) => {
      // FOR NO KEY UPDATE: the id is not changing, and audit inserts hold a key-share lock on this
      // row (their foreign key) while they hold a chain head this change's record needs.
      const workspace = await m.findOneOrFail(WorkspaceEntity, {
        where: { id: target.id },
        lock: { mode: 'for_no_key_update' },
      });
      // Only what changed is written: an untouched policy keeps following the defaults.
      const approvalChanged = Object.keys(patch.approval ?? {}).length > 0;
      workspace.settings = {
        ...workspace.settings,
        ...(patch.timeZone !== undefined && { timeZone: patch.timeZone }),
        ...(patch.draftFirst !== undefined && { draftFirst: patch.draftFirst }),
        ...(approvalChanged && { approval: { ...resolveSettings(workspace.settings).approval, ...patch.approval } }),
      };
      return m.save(workspace);
    });
  }

  /** Validates a settings change before anything is read or locked; unknown values name their field. */
  private settingsPatch(changes: WorkspaceSettingsChanges): WorkspaceSettings {
    const policy = changes.approval_policy;
    if (
      changes.time_zone === undefined &&
      changes.draft_first === undefined &&
      policy?.require_approval_for === undefined &&
      policy?.allow_self_approval === undefined
    )
      throw new AppError('validation_failed', 'give at least one setting to change', [
        { field: '(arguments)', issue: 'nothing to change' },
      ]);
    const actions = policy?.require_approval_for;
    const unknown = actions?.filter((a) => !(APPROVAL_ACTIONS as readonly string[]).includes(a)) ?? [];
    if (unknown.length)
      throw new AppError(
        'validation_failed',
        `unknown action ${unknown.join(', ')} (known: ${APPROVAL_ACTIONS.join(', ')})`,
        [{ field: 'approval_policy.require_approval_for', issue: `unknown: ${unknown.join(', ')}` }],
      );
    const approval: Partial<{ requireApprovalFor: ApprovalAction[]; allowSelfApproval: boolean }> = {};
    if (actions) approval.requireApprovalFor = APPROVAL_ACTIONS.filter((a) => actions.includes(a));
    if (policy?.allow_self_approval !== undefined) approval.allowSelfApproval = policy.allow_self_approval;
    return {
      timeZone: changes.time_zone === undefined ? undefined : canonicalTimeZone(changes.time_zone),
      draftFirst: changes.draft_first,
      approval,
    };
  }

  /** Operator path (CLI, setup); the REST path with its ownership rules is MembersService. */
  async addMember(_actor: Actor, workspaceId: string, userId: string, role: string): Promise<MembershipEntity> {
    if (!isRole(role))
      throw new AppError('validation_failed', 'role must be owner, admin, editor or viewer', [
        { field: 'role', issue: 'enum' },
      ]);
    AuditContext.concerns(workspaceId);
    return this.audited.run((m) => this.insertMember(m, workspaceId, userId, role));
  }

  /** Every workspace the user belongs to, with their role there and whether agents are draft-only. */
  async membershipsOf(userId: string): Promise<{ id: string; name: string; role: Role; draftFirst: boolean }[]> {
    const rows = await this.dataSource.query<{ id: string; name: string; role: Role; settings: WorkspaceSettings }[]>(
      `SELECT w.id, w.name, m.role, w.settings FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
        WHERE m.user_id = $1 ORDER BY w.name`,
      [userId],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      draftFirst: resolveSettings(r.settings).draftFirst,
    }));
  }

  /** The user's role in the workspace right now, or undefined when they are not a member. */
  async roleOf(userId: string, workspaceId: string): Promise<Role | undefined> {
    const row = await this.dataSource.getRepository(MembershipEntity).findOne({ where: { userId, workspaceId } });
    return row?.role;
  }

  async insertMember(m: EntityManager, workspaceId: string, userId: string, role: Role): Promise<MembershipEntity> {
    if (!(await m.exists(UserEntity, { where: { id: userId } }))) throw notFound('user');
    const already = () => new AppError('conflict', 'the user is already a member of this workspace');
    if (await m.exists(MembershipEntity, { where: { workspaceId, userId } })) throw already();
    // Every way in (REST by email, the CLI, a new workspace's owner, setup) names who got which role.
    AuditContext.noteResult('member', { user_id: userId, role });
    try {
      return await m.save(m.create(MembershipEntity, { workspaceId, userId, role }));
    } catch (err) {
      // Two adds racing past the check meet the unique index: still a conflict, not a 500.
      if ((err as { code?: string }).code === '23505') throw already();
      throw err;
    }
  }
}
