import 'reflect-metadata';
import { MCP_TOOL_METADATA_KEY } from '@rekog/mcp-nest';
import type { Actor } from '../access/actor';
import type { Scope } from '../access/scopes';
import { REQUIRED_SCOPES_KEY } from '../access/require-scopes.decorator';
import { REQUIRES_APPROVAL_KEY } from '../access/requires-approval.decorator';
import type { WorkspaceBinding } from '../access/workspace-binding';
import type { WorkspaceSettings } from '../domain/workspaces/workspace-settings';
import { PosternMcpStrategy } from './postern-mcp-strategy';
import { toolVisible, type ToolPermissions } from './tool-visibility';

function toolMethod(name: string, scopes?: string[], approval?: string): () => void {
  const method = () => undefined;
  Reflect.defineMetadata(MCP_TOOL_METADATA_KEY, { name }, method);
  if (scopes) Reflect.defineMetadata(REQUIRED_SCOPES_KEY, scopes, method);
  if (approval) Reflect.defineMetadata(REQUIRES_APPROVAL_KEY, { action: approval }, method);
  return method;
}

describe('PosternMcpStrategy permissions', () => {
  const strategy = new PosternMcpStrategy({ name: 'test', version: '1', transports: [], logging: false });
  const handlers = [
    toolMethod('declared', ['workspace:read']),
    toolMethod('undeclared'),
    toolMethod('delete_draft', ['drafts:delete'], 'delete'),
  ].map((ref, i) => [`tool-${i}`, Object.assign(() => undefined, { extras: { mcpMethodRef: ref } })] as const);
  jest.spyOn(strategy, 'getHandlers').mockReturnValue(new Map(handlers) as never);
  const permissionsOf = (tool: string) =>
    (strategy as unknown as { permissionsOf(t: string): ToolPermissions | undefined }).permissionsOf(tool);
  const owner: Actor = {
    kind: 'api_key',
    surface: 'mcp',
    role: 'owner',
    grantedScopes: new Set(['workspace:read']),
    scopes: new Set(['workspace:read']),
  };

  it('reads a tool’s declared scopes, and lists it to a caller who has them', () => {
    expect(permissionsOf('declared')).toMatchObject({ scopes: ['workspace:read'] });
    expect(toolVisible(owner, 'declared', permissionsOf('declared'))).toBe(true);
  });

  it('gives a tool that declares nothing no permissions, so it is listed to nobody', () => {
    expect(permissionsOf('undeclared')).toBeUndefined();
    expect(toolVisible(owner, 'undeclared', permissionsOf('undeclared'))).toBe(false);
  });

  it('neither lists nor offers a step-up for a tool the approval policy reserves', () => {
    const agent = (settings: WorkspaceSettings, scopes: Scope[]): Actor => ({
      kind: 'agent',
      surface: 'mcp',
      role: 'owner',
      grantedScopes: new Set(scopes),
      scopes: new Set(scopes),
      binding: { workspace: { settings }, hasMember: true, role: 'owner' } as WorkspaceBinding,
    });
    const reserves = { approval: { requireApprovalFor: ['delete' as const] } };
    const allows = { approval: { requireApprovalFor: ['publish' as const] } };
    const listed = (actor: Actor) => toolVisible(actor, 'delete_draft', permissionsOf('delete_draft'));
    const deficiency = (actor: Actor) =>
      (
        strategy as unknown as {
          toolCallScopeDeficiency(t: string, r: unknown): { missingScopes: string[] } | undefined;
        }
      ).toolCallScopeDeficiency('delete_draft', { actor, body: {} });

    // Holding the scope, the tool is listed only where the policy lets the call through.
    expect(listed(agent(allows, ['drafts:delete']))).toBe(true);
    expect(listed(agent(reserves, ['drafts:delete']))).toBe(false);
    // Missing the scope, consent is offered only where it would get the call through.
    expect(deficiency(agent(allows, ['workspace:read']))).toMatchObject({ missingScopes: ['drafts:delete'] });
    expect(deficiency(agent(reserves, ['workspace:read']))).toBeUndefined();
  });
});
