import 'reflect-metadata';
import { MCP_TOOL_METADATA_KEY } from '@rekog/mcp-nest';
import type { Actor } from '../access/actor';
import { REQUIRED_SCOPES_KEY } from '../access/require-scopes.decorator';
import { PosternMcpStrategy } from './postern-mcp-strategy';
import { toolVisible, type ToolPermissions } from './tool-visibility';

function toolMethod(name: string, scopes?: string[]): () => void {
  const method = () => undefined;
  Reflect.defineMetadata(MCP_TOOL_METADATA_KEY, { name }, method);
  if (scopes) Reflect.defineMetadata(REQUIRED_SCOPES_KEY, scopes, method);
  return method;
}

describe('PosternMcpStrategy permissions', () => {
  const strategy = new PosternMcpStrategy({ name: 'test', version: '1', transports: [], logging: false });
  const handlers = [toolMethod('declared', ['workspace:read']), toolMethod('undeclared')].map(
    (ref, i) => [`tool-${i}`, Object.assign(() => undefined, { extras: { mcpMethodRef: ref } })] as const,
  );
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
});
