import { UriTemplate } from '@modelcontextprotocol/server';
import {
  MCP_RESOURCE_METADATA_KEY,
  MCP_RESOURCE_TEMPLATE_METADATA_KEY,
  type ResourceMetadata,
  type ResourceTemplateMetadata,
} from '@rekog/mcp-nest';
import { readPermissionMetadata } from '../access/permission-metadata';
import type { ToolPermissions } from './tool-visibility';

export interface ResourcePermissions extends ToolPermissions {
  /** The declared name and URI (or URI template): what a refusal names, never the URI as asked. */
  name: string;
  declared: string;
}

interface Entry {
  matches(uri: string): boolean;
  /** Undefined when the method declares no scopes: the guards refuse its reads, nothing to step up to. */
  permissions?: ResourcePermissions;
}

/**
 * The declared permissions of the resource a `resources/read` of `uri` reaches, read from the same
 * decorators on the same methods as the tools' (`@RequireScopes`, `@RequireRole`).
 *
 * The handler is found in mcp-nest's order: templates first, in registration order, then static
 * URIs. A template is matched with the SDK's `UriTemplate` and a static URI exactly. mcp-nest's own
 * matcher (path-to-regexp, internal to it) is wider on the scheme, a trailing slash and a comma: a
 * URI only it accepts gets no step-up, and the guards refuse the read as before. It is narrower
 * only on malformed URIs (a variable that is nothing but a query, a broken %-escape), which it
 * does not serve: those get the challenge for the scopes any read of that shape needs.
 */
export function resourcePermissionIndex(
  methodRefs: Iterable<object>,
): (uri: string) => ResourcePermissions | undefined {
  const templates: Entry[] = [];
  const statics: Entry[] = [];
  for (const { declared, template, permissions } of resourceDeclarations(methodRefs)) {
    if (template) {
      const uriTemplate = new UriTemplate(declared);
      templates.push({ matches: (uri) => matchesTemplate(uriTemplate, uri), permissions });
    } else {
      statics.push({ matches: (uri) => uri === declared, permissions });
    }
  }
  const entries = [...templates, ...statics];
  return (uri) => entries.find((e) => e.matches(uri))?.permissions;
}

/**
 * Each resource's permissions by the URI or URI template it was declared with, as `resources/list`
 * and `resources/templates/list` name it. Undefined: the method declares no scopes.
 */
export function resourcePermissionsByDeclaration(
  methodRefs: Iterable<object>,
): Map<string, ResourcePermissions | undefined> {
  return new Map([...resourceDeclarations(methodRefs)].map((d) => [d.declared, d.permissions]));
}

function* resourceDeclarations(methodRefs: Iterable<object>) {
  for (const ref of methodRefs) {
    const template = Reflect.getMetadata(MCP_RESOURCE_TEMPLATE_METADATA_KEY, ref) as
      Partial<ResourceTemplateMetadata> | undefined;
    const resource = Reflect.getMetadata(MCP_RESOURCE_METADATA_KEY, ref) as Partial<ResourceMetadata> | undefined;
    const declared = template?.uriTemplate ?? resource?.uri;
    if (!declared) continue;
    // The method's own declarations, read as the guards and the tools' lists read them.
    const { scopes, roleFloor } = readPermissionMetadata(
      <T>(key: string) => Reflect.getMetadata(key, ref) as T | undefined,
    );
    const permissions: ResourcePermissions | undefined = scopes && {
      name: template?.name ?? resource?.name ?? declared,
      declared,
      scopes,
      roleFloor,
    };
    yield { declared, template: template !== undefined, permissions };
  }
}

function matchesTemplate(template: UriTemplate, uri: string): boolean {
  try {
    return template.match(uri) !== null;
  } catch {
    // A URI past the SDK's length limit matches nothing here; dispatch decides what it is.
    return false;
  }
}
