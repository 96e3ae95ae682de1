import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../src/access/actor';
import { AuditContext } from '../../src/audit/audit-context';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import type { Role } from '../../src/access/roles';
import { UsersService } from '../../src/domain/users/users.service';
import type { UserEntity } from '../../src/domain/users/user.entity';
import type { WorkspaceEntity } from '../../src/domain/workspaces/workspace.entity';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';
import { APPROVAL_ACTIONS, type ApprovalAction } from '../../src/domain/workspaces/workspace-settings';

const unique = () => randomUUID().slice(0, 8);

/** Runs one state change as the operator would from the CLI: audited, in its own record. */
export function asOperator<T>(operation: string, work: () => Promise<T>): Promise<T> {
  const draft = AuditContext.start('cli', `test ${operation}`, randomUUID());
  draft.actor = operatorActor();
  return AuditContext.run(draft, work);
}

export function buildUser(app: INestApplicationContext, email = `user-${unique()}@example.com`): Promise<UserEntity> {
  return asOperator('user create', () => app.get(UsersService).create({ email, password: 'a long enough password' }));
}

export function buildWorkspace(
  app: INestApplicationContext,
  name = `Workspace ${unique()}`,
  ownerUserId?: string,
): Promise<WorkspaceEntity> {
  return asOperator('workspace create', () =>
    app.get(WorkspacesService).create(operatorActor(), { name, slug: `ws-${unique()}`, ownerUserId }),
  );
}

export interface KeyOptions {
  scopes?: string[];
  /** Actions taken out of the workspace's approval policy, so keys may do them directly. */
  allowDirect?: ApprovalAction[];
  role?: Role;
  expiresAt?: Date;
  toolAllowlist?: string[];
  /** Created with audit_access: the key may read the audit trail (its creator must be an admin or owner). */
  auditAccess?: boolean;
}

/** A workspace with a member of `role` and an API key created by that member. */
export async function buildWorkspaceWithKey(app: INestApplicationContext, options: KeyOptions = {}) {
  const user = await buildUser(app);
  const workspace = await buildWorkspace(app, undefined, options.role ? undefined : user.id);
  if (options.allowDirect) await allowDirect(app, workspace.id, options.allowDirect);
  const role = options.role;
  if (role)
    await asOperator('member add', () =>
      app.get(WorkspacesService).addMember(operatorActor(), workspace.id, user.id, role),
    );
  const { key, token } = await asOperator('key create', () =>
    app.get(ApiKeysService).create(operatorActor(), {
      workspaceId: workspace.id,
      name: `key-${unique()}`,
      scopes: options.scopes ?? ['ai-publishing-assistant'],
      expiresAt: options.expiresAt,
      toolAllowlist: options.toolAllowlist,
      auditAccess: options.auditAccess,
      createdByUserId: user.id,
    }),
  );
  return { user, workspace, key, token };
}

/** As an owner would with `postern workspace settings --require-approval-for`: these actions no longer wait. */
export function allowDirect(app: INestApplicationContext, workspaceId: string, actions: ApprovalAction[] = ['delete']) {
  return asOperator('workspace settings', () =>
    app.get(WorkspacesService).updateSettings(operatorActor(), workspaceId, {
      approval_policy: { require_approval_for: APPROVAL_ACTIONS.filter((a) => !actions.includes(a)) },
    }),
  );
}
