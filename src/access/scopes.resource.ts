import { McpController, Resource } from '@rekog/mcp-nest';
import { jsonResource } from '../mcp/json-resource';
import { RequireScopes } from './require-scopes.decorator';
import { scopeCatalogue } from './scope-catalogue';

@McpController()
export class ScopesResource {
  @Resource({
    uri: 'postern://scopes',
    name: 'scopes',
    description:
      'The permission catalogue: every scope with what it allows, the recommended bundles and role ceilings.',
    mimeType: 'application/json',
  })
  @RequireScopes()
  catalogue() {
    return jsonResource('postern://scopes', scopeCatalogue());
  }
}
