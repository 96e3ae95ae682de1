import 'reflect-metadata';
import { MCP_RESOURCE_METADATA_KEY, MCP_RESOURCE_TEMPLATE_METADATA_KEY } from '@rekog/mcp-nest';
import { REQUIRED_ROLE_KEY } from '../access/require-role.decorator';
import { REQUIRED_SCOPES_KEY } from '../access/require-scopes.decorator';
import { resourcePermissionIndex } from './resource-permissions';

function method(key: string, meta: Record<string, string>, scopes?: string[], role?: string): object {
  const ref = () => undefined;
  Reflect.defineMetadata(key, meta, ref);
  if (scopes) Reflect.defineMetadata(REQUIRED_SCOPES_KEY, scopes, ref);
  if (role) Reflect.defineMetadata(REQUIRED_ROLE_KEY, role, ref);
  return ref;
}

describe(resourcePermissionIndex.name, () => {
  const find = resourcePermissionIndex([
    method(MCP_RESOURCE_METADATA_KEY, { uri: 'postern://workspace', name: 'workspace' }, ['workspace:read']),
    method(MCP_RESOURCE_METADATA_KEY, { uri: 'postern://scopes', name: 'scopes' }, []),
    method(MCP_RESOURCE_TEMPLATE_METADATA_KEY, { uriTemplate: 'postern://campaigns/{id}', name: 'campaign' }, [
      'campaigns:read',
    ]),
    method(
      MCP_RESOURCE_TEMPLATE_METADATA_KEY,
      { uriTemplate: 'postern://keys/{id}', name: 'key' },
      ['keys:read'],
      'admin',
    ),
    method(MCP_RESOURCE_TEMPLATE_METADATA_KEY, { uriTemplate: 'postern://open/{id}', name: 'undeclared' }),
    // Reached by no read: mcp-nest tries templates first, and the one above takes every postern://open/… URI.
    method(MCP_RESOURCE_METADATA_KEY, { uri: 'postern://open/x', name: 'shadowed' }, ['workspace:read']),
  ]);

  it('finds a static resource by its exact URI and a template by the SDK’s URI-template match', () => {
    expect(find('postern://workspace')).toEqual({
      name: 'workspace',
      declared: 'postern://workspace',
      scopes: ['workspace:read'],
      roleFloor: undefined,
    });
    expect(find('postern://scopes')).toMatchObject({ scopes: [] });
    expect(find('postern://campaigns/3f1c')).toMatchObject({ name: 'campaign', declared: 'postern://campaigns/{id}' });
    expect(find('postern://keys/1')).toMatchObject({ scopes: ['keys:read'], roleFloor: 'admin' });
  });

  it('finds nothing for a URI no resource answers to', () => {
    for (const uri of [
      'postern://nothing',
      'postern://workspace/extra',
      'postern://campaigns/',
      'postern://campaigns/a/b',
    ])
      expect({ uri, found: find(uri) }).toEqual({ uri, found: undefined });
  });

  it('gives a resource that declares no scopes no permissions, even where a later one would match', () => {
    expect(find('postern://open/x')).toBeUndefined();
  });
});
