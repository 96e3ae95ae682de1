import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../src/access/actor';
import { ApiKeysService } from '../../src/access/api-keys/api-keys.service';
import type { Role } from '../../src/access/roles';
import { UsersService } from '../../src/domain/users/users.service';
import type { UserEntity } from '../../src/domain/users/user.entity';
import type { WorkspaceEntity } from '../../src/domain/workspaces/workspace.entity';
import { WorkspacesService } from '../../src/domain/workspaces/workspaces.service';

const unique = () => randomUUID().slice(0, 8);

export function buildUser(app: INestApplicationContext, email = `user-${unique()}@example.com`): Promise<UserEntity> {
  return app.get(UsersService).create({ email, password: 'a long enough password' });
}

export function buildWorkspace(
  app: INestApplicationContext,
  name = `Workspace ${unique()}`,
  ownerUserId?: string,
): Promise<WorkspaceEntity> {
  return app.get(WorkspacesService).create(operatorActor(), { name, slug: `ws-${unique()}`, ownerUserId });
}

export interface KeyOptions {
  scopes?: string[];
  role?: Role;
  expiresAt?: Date;
  toolAllowlist?: string[];
}

/** A workspace with a member of `role` and an API key created by that member. */
export async function buildWorkspaceWithKey(app: INestApplicationContext, options: KeyOptions = {}) {
  const user = await buildUser(app);
  const workspace = await buildWorkspace(app, undefined, options.role ? undefined : user.id);
  if (options.role) await app.get(WorkspacesService).addMember(operatorActor(), workspace.id, user.id, options.role);
  const { key, token } = await app.get(ApiKeysService).create(operatorActor(), {
    workspaceId: workspace.id,
    name: `key-${unique()}`,
    scopes: options.scopes ?? ['ai-publishing-assistant'],
    expiresAt: options.expiresAt,
    toolAllowlist: options.toolAllowlist,
    createdByUserId: user.id,
  });
  return { user, workspace, key, token };
}
