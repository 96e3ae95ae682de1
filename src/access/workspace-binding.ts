import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { WorkspaceSettings } from '../domain/workspaces/workspace.entity';
import { isRole, type Role } from './roles';

/**
 * What the access checks need from the credential's workspace, read on every call: the workspace
 * policy and the current role of the member behind the credential (null: not a member any more,
 * or the user was disabled — either way every credential they made stops working).
 */
export interface WorkspaceBinding {
  settings: WorkspaceSettings;
  /** Whether a member stands behind the credential at all (operator-issued keys have none). */
  hasMember: boolean;
  role: Role | null;
}

/** Row shape shared by the queries that read a binding alongside something else. */
export interface BindingColumns {
  ws_settings: WorkspaceSettings | null;
  member_role: string | null;
}

export function bindingFrom(row: BindingColumns, memberId: string | null | undefined): WorkspaceBinding | undefined {
  if (!row.ws_settings) return undefined;
  const role = row.member_role && isRole(row.member_role) ? row.member_role : null;
  return { settings: row.ws_settings, hasMember: !!memberId, role };
}

/**
 * The select list and joins that read a binding in the same statement as the credential. This is
 * the hottest query of the service, so it is plain SQL: one round trip, no ORM metadata work.
 */
export const BINDING_SELECT = `w.settings AS ws_settings, m.role AS member_role`;
export const bindingJoins = (workspaceColumn: string, userColumn: string) =>
  `LEFT JOIN workspaces w ON w.id = ${workspaceColumn}
   LEFT JOIN memberships m ON m.workspace_id = ${workspaceColumn} AND m.user_id = ${userColumn}
     AND EXISTS (SELECT 1 FROM users u WHERE u.id = ${userColumn} AND u.status = 'active')`;

@Injectable()
export class WorkspaceBindings {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One statement for the workspace and the member's role; undefined when the workspace is gone. */
  async read(workspaceId: string, userId: string | undefined): Promise<WorkspaceBinding | undefined> {
    const [row] = await this.dataSource.query<BindingColumns[]>(
      `SELECT ${BINDING_SELECT} FROM (SELECT $1::uuid AS workspace_id, $2::uuid AS user_id) c
         ${bindingJoins('c.workspace_id', 'c.user_id')}`,
      [workspaceId, userId ?? null],
    );
    return row ? bindingFrom(row, userId) : undefined;
  }
}
