import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { workspaceOf, type Actor } from '../../access/actor';
import { assertHolds } from '../../access/assert-holds';
import { ROLE_CEILINGS, roleAtLeast, type Role } from '../../access/roles';
import { AuditContext } from '../../audit/audit-context';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError, notFound } from '../../common/app-error';
import { decodeCursor, encodeCursor, exactInstantSql, pageSize, type Page } from '../../common/pagination';
import { OAuthConnectionsService } from '../../oauth/oauth-connections.service';
import { UserEntity } from '../users/user.entity';
import { MembershipEntity } from './membership.entity';
import { WorkspacesService } from './workspaces.service';

export interface ListMembersOptions {
  role?: Role;
  cursor?: string;
  limit?: number;
}

export interface MemberView {
  user_id: string;
  email: string;
  role: Role;
  since: string;
}

/**
 * Membership changes from inside a workspace. Ownership is protected: only owners make or unmake
 * owners, and the last owner can neither leave nor be demoted.
 */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly workspaces: WorkspacesService,
    private readonly audited: AuditedTransactions,
    private readonly connections: OAuthConnectionsService,
  ) {}

  /** Newest members first, a page at a time, keyset on (joined, user id); with a role, only members holding it. */
  async list(actor: Actor, options: ListMembersOptions = {}): Promise<Page<MemberView>> {
    const params: unknown[] = [workspaceOf(actor)];
    const where = ['m.workspace_id = $1'];
    if (options.role) {
      params.push(options.role);
      where.push(`m.role = $${params.length}`);
    }
    if (options.cursor) {
      const at = decodeCursor(options.cursor);
      params.push(at.createdAt, at.id);
      where.push(`(m.created_at, m.user_id) < ($${params.length - 1}, $${params.length})`);
    }
    const limit = pageSize(options.limit);
    const rows = await this.dataSource.query<
      { user_id: string; email: string; role: Role; created_at: Date; cursor_at: string }[]
    >(
      `SELECT m.user_id, u.email, m.role, m.created_at, ${exactInstantSql('m.created_at')} AS cursor_at
         FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE ${where.join(' AND ')} ORDER BY m.created_at DESC, m.user_id DESC LIMIT ${limit + 1}`,
      params,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => ({
        user_id: r.user_id,
        email: r.email,
        role: r.role,
        since: r.created_at.toISOString(),
      })),
      next_cursor: rows.length > limit ? encodeCursor({ createdAt: last.cursor_at, id: last.user_id }) : null,
    };
  }

  async add(actor: Actor, email: string, role: Role): Promise<MemberView> {
    const workspaceId = workspaceOf(actor);
    this.assertMayGrant(actor, role);
    assertLasting(actor, 'add members');
    return this.audited.run(async (m) => {
      const user = await m.findOne(UserEntity, { where: { email: email.trim().toLowerCase() } });
      if (!user) throw notFound('user');
      const row = await this.workspaces.insertMember(m, workspaceId, user.id, role);
      return { user_id: user.id, email: user.email, role, since: row.createdAt.toISOString() };
    });
  }

  async changeRole(actor: Actor, userId: string, role: Role): Promise<MemberView> {
    const workspaceId = workspaceOf(actor);
    this.assertMayGrant(actor, role);
    return this.audited.run(async (m) => {
      const member = await this.lockMember(m, workspaceId, userId);
      assertHoldsRole(actor, member.role, 'change the role of');
      if (!roleAtLeast(member.role, role)) assertLasting(actor, 'raise a role');
      if (member.role === 'owner' && role !== 'owner') await this.assertOwnerMayGo(actor, m, workspaceId, member);
      // With the role it had: a demoted owner and a promoted viewer read differently.
      AuditContext.noteResult('member', { user_id: member.userId, role, previous_role: member.role });
      member.role = role;
      await m.save(member);
      return this.view(m, member);
    });
  }

  async remove(actor: Actor, userId: string): Promise<MemberView> {
    const workspaceId = workspaceOf(actor);
    return this.audited.run(async (m) => {
      const member = await this.lockMember(m, workspaceId, userId);
      assertHoldsRole(actor, member.role, 'remove');
      if (member.role === 'owner') await this.assertOwnerMayGo(actor, m, workspaceId, member);
      const view = await this.view(m, member);
      await m.delete(MembershipEntity, { id: member.id });
      // Their keys and agent connections end with their membership, so re-adding them later does
      // not revive old keys or tokens.
      await m.query(
        `UPDATE api_keys SET revoked_at = now() WHERE workspace_id = $1 AND created_by_user_id = $2 AND revoked_at IS NULL`,
        [workspaceId, userId],
      );
      await this.connections.revokeAllIn(m, workspaceId, userId);
      return view;
    });
  }

  private assertMayGrant(actor: Actor, role: Role): void {
    if (role === 'owner' && !roleAtLeast(actor.role ?? 'viewer', 'owner')) {
      throw new AppError('insufficient_role', 'only an owner can make someone an owner', [
        { field: 'role', issue: 'owner' },
      ]);
    }
    assertHoldsRole(actor, role, 'make someone');
  }

  /** Owners are changed only by owners, and a workspace is never left without one. */
  private async assertOwnerMayGo(
    actor: Actor,
    m: EntityManager,
    workspaceId: string,
    member: MembershipEntity,
  ): Promise<void> {
    if (!roleAtLeast(actor.role ?? 'viewer', 'owner')) {
      throw new AppError('insufficient_role', 'only an owner can remove or demote an owner', [
        { field: 'role', issue: 'owner' },
      ]);
    }
    // Owners who can still sign in: a disabled owner would leave the workspace with nobody to run it.
    const [{ owners }] = await m.query<{ owners: number }[]>(
      `SELECT count(*)::int AS owners FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.workspace_id = $1 AND m.role = 'owner' AND u.status = 'active' AND m.user_id <> $2`,
      [workspaceId, member.userId],
    );
    if (owners < 1)
      throw new AppError(
        'conflict',
        `${member.userId === actor.userId ? 'you are' : 'this is'} the last owner; make someone else owner first`,
      );
  }

  private async lockMember(m: EntityManager, workspaceId: string, userId: string): Promise<MembershipEntity> {
    // Owner rows are locked together so two owners cannot each remove the other at once.
    await m.query(`SELECT id FROM memberships WHERE workspace_id = $1 AND role = 'owner' FOR UPDATE`, [workspaceId]);
    const member = await m.findOne(MembershipEntity, {
      where: { workspaceId, userId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!member) throw notFound('member');
    return member;
  }

  private async view(m: EntityManager, member: MembershipEntity): Promise<MemberView> {
    const user = await m.findOneOrFail(UserEntity, { where: { id: member.userId } });
    return { user_id: user.id, email: user.email, role: member.role, since: member.createdAt.toISOString() };
  }
}

/** Granting a role, and taking one away, act on every scope of that role. */
function assertHoldsRole(actor: Actor, role: Role, action: string): void {
  const article = role === 'viewer' ? 'a' : 'an';
  assertHolds(
    actor,
    ROLE_CEILINGS[role],
    `you cannot ${action} ${article} ${role} without every scope of that role`,
    'role',
  );
}

/**
 * A key that expires cannot give access that outlives it: a member it added or promoted would keep
 * that role, and could make keys without an expiry. Taking access away (demoting, removing) is fine.
 */
function assertLasting(actor: Actor, what: string): void {
  if (!actor.expiresAt) return;
  throw new AppError(
    'forbidden',
    `a key that expires cannot ${what}: the access would outlive it; use a key without an expiry, or \`postern member add\` on the server`,
    [{ field: 'role', issue: 'beyond the creator' }],
  );
}
