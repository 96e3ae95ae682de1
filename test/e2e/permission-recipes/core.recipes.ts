import { randomUUID } from 'node:crypto';
import { buildUser } from '../../factories';
import { resource, rest, tool, type RecipeSet } from './recipe';

/** Workspaces, scopes, audit, keys, members and the MCP transport. */
export const coreRecipes: RecipeSet = {
  // Someone with an account who is not a member yet, for the member-add call.
  seed: async (app) => ({ outsiderEmail: (await buildUser(app)).email }),
  recipes: {
    list_workspaces: () => tool('list_workspaces'),
    get_workspace: (_, t) => tool('get_workspace', { workspace_id: t.workspaceId }),
    'postern://scopes': () => resource('postern://scopes'),
    'GET /api/v1/workspaces': () => rest('GET', '/api/v1/workspaces'),
    'GET /api/v1/workspaces/:idOrSlug': (_, t) => rest('GET', `/api/v1/workspaces/${t.workspaceId}`),
    'GET /api/v1/scopes': () => rest('GET', '/api/v1/scopes'),
    'GET /api/v1/audit': () => rest('GET', '/api/v1/audit'),
    'GET /api/v1/audit/export': () => rest('GET', '/api/v1/audit/export'),
    'GET /api/v1/keys': () => rest('GET', '/api/v1/keys'),
    'POST /api/v1/keys': () => rest('POST', '/api/v1/keys', { name: `k-${randomUUID()}`, scopes: ['workspace:read'] }),
    'DELETE /api/v1/keys/:keyId': (_, t) => rest('DELETE', `/api/v1/keys/${t.keyId}`),
    'GET /api/v1/members': () => rest('GET', '/api/v1/members'),
    'POST /api/v1/members': (o) => rest('POST', '/api/v1/members', { email: o.ids.outsiderEmail, role: 'viewer' }),
    'PATCH /api/v1/members/:userId': (_, t) => rest('PATCH', `/api/v1/members/${t.memberId}`, { role: 'editor' }),
    'DELETE /api/v1/members/:userId': (_, t) => rest('DELETE', `/api/v1/members/${t.memberId}`),
    'GET /mcp': () => ({ transport: true }),
    'POST /mcp': () => ({ transport: true }),
    'DELETE /mcp': () => ({ transport: true }),
  },
};
