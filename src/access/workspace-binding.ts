import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { WorkspaceEntity, type WorkspaceSettings } from '../domain/workspaces/workspace.entity';
import { isRole, type Role } from './roles';

/**
 * What the access checks need from the credential's workspace, read on every call: the workspace
 * itself (its policy, and what `list_workspaces` answers) and the current role of the member behind
 * the credential (null: not a member any more, or the user was disabled — either way every
 * credential they made stops working).
 */
export interface WorkspaceBinding {
  workspace: WorkspaceEntity;
  /** Whether a member stands behind the credential at all (operator-issued keys have none). */
  hasMember: boolean;
  role: Role | null;
}

/** Row shape shared by the queries that read a binding alongside something else. */
export interface BindingColumns {
  ws_id: string | null;
  ws_name: string;
  ws_slug: string;
  ws_plan: string;
  ws_settings: WorkspaceSettings;
  ws_created_at: Date;
  ws_updated_at: Date;
  member_role: string | null;
}

export function bindingFrom(row: BindingColumns, memberId: string | null | undefined): WorkspaceBinding | undefined {
  if (!row.ws_id) return undefined;
  const workspace = Object.assign(new WorkspaceEntity(), {
    id: row.ws_id,
    name: row.ws_name,
    slug: row.ws_slug,
    plan: row.ws_plan,
    settings: row.ws_settings,
    createdAt: row.ws_created_at,
    updatedAt: row.ws_updated_at,
  });
  const role = row.member_role && isRole(row.member_role) ? row.member_role : null;
  return { workspace, hasMember: !!memberId, role };
}

/**
 * The select list and joins that read a binding in the same statement as the credential. This is
 * the hottest query of the service, so it is plain SQL: one round trip, no ORM metadata work.
 */
export const BINDING_SELECT = `w.id AS ws_id, w.name AS ws_name, w.slug AS ws_slug, w.plan AS ws_plan,
  w.settings AS ws_settings, w.created_at AS ws_created_at, w.updated_at AS ws_updated_at, m.role AS member_role`;
/**
 * `issuedColumn`, the credential's creation time, binds it to the membership it was made under: a
 * membership newer than the credential is a later one, so a key or connection that escaped its
 * revocation (made while its member was being removed) stays dead when they are added back.
 */
export const bindingJoins = (workspaceColumn: string, userColumn: string, issuedColumn?: string) =>
  `LEFT JOIN workspaces w ON w.id = ${workspaceColumn}
   LEFT JOIN memberships m ON m.workspace_id = ${workspaceColumn} AND m.user_id = ${userColumn}
     ${issuedColumn ? `AND m.created_at <= ${issuedColumn}` : ''}
     AND EXISTS (SELECT 1 FROM users u WHERE u.id = ${userColumn} AND u.status = 'active')`;

/**
 * One statement for the workspace and the member's role; undefined when the workspace is gone. Takes
 * a data source or, to read inside a transaction, its entity manager.
 */
export async function readBinding(
  db: Pick<EntityManager, 'query'>,
  workspaceId: string,
  userId: string | undefined,
): Promise<WorkspaceBinding | undefined> {
  const [row] = await db.query<BindingColumns[]>(
    `SELECT ${BINDING_SELECT} FROM (SELECT $1::uuid AS workspace_id, $2::uuid AS user_id) c
       ${bindingJoins('c.workspace_id', 'c.user_id')}`,
    [workspaceId, userId ?? null],
  );
  return row ? bindingFrom(row, userId) : undefined;
}

@Injectable()
export class WorkspaceBindings {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  read(workspaceId: string, userId: string | undefined): Promise<WorkspaceBinding | undefined> {
    return readBinding(this.dataSource, workspaceId, userId);
  }
}
