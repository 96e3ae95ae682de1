import { RequestMethod, type INestApplicationContext, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { MCP_RESOURCE_METADATA_KEY, MCP_RESOURCE_TEMPLATE_METADATA_KEY, MCP_TOOL_METADATA_KEY } from '@rekog/mcp-nest';
import { ADMINISTRATION } from './administration';
import { readPermissionMetadata } from './permission-metadata';
import { requiredRole } from './required-role';
import type { Role } from './roles';
import type { Scope } from './scopes';

export interface PermissionEntry {
  kind: 'tool' | 'resource' | 'route';
  /** Tool name, resource URI, or `METHOD /path`. */
  name: string;
  handler: string;
  isPublic: boolean;
  consoleSession: boolean;
  /** Undefined when the handler declares nothing: refused at run time, and a build failure. */
  scopes?: Scope[];
  /** Scopes needed on top of `scopes` when an argument is given (`@ScopesForArguments`). */
  argumentScopes?: Record<string, Scope[]>;
  minimumRole?: Role;
  /** Only a key created with `audit_access` may call it (reading the audit trail). */
  auditAccess: boolean;
  approval: boolean;
  annotations?: Record<string, unknown>;
}

/** Every path a route answers on: Nest serves each controller prefix joined with each method path. */
function routePaths(prefix: string | string[] | undefined, path: string | string[]): string[] {
  const trim = (p: string) => p.replace(/^\/+|\/+$/g, '');
  const prefixes = [prefix ?? ''].flat();
  return prefixes.flatMap((before) =>
    [path].flat().map((after) => `/${[before, after].map(trim).filter(Boolean).join('/')}`),
  );
}

function methodsOf(type: Type<unknown>): { key: string; fn: object }[] {
  const seen = new Set<string>();
  const out: { key: string; fn: object }[] = [];
  for (
    let proto = type.prototype as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const fn = (proto as Record<string, unknown>)[key];
      if (key === 'constructor' || seen.has(key) || typeof fn !== 'function') continue;
      seen.add(key);
      out.push({ key, fn });
    }
  }
  return out;
}

/**
 * Every REST route, MCP tool and MCP resource the running application serves, with what it
 * declares about who may call it — read from the Nest metadata, not from a hand-kept list.
 */
export function permissionInventory(app: INestApplicationContext): PermissionEntry[] {
  const entries: PermissionEntry[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as Type<unknown> | null;
      if (!type) continue;
      for (const { key, fn } of methodsOf(type)) {
        const read = <T>(k: string): T | undefined =>
          (Reflect.getMetadata(k, fn) as T | undefined) ?? (Reflect.getMetadata(k, type) as T | undefined);
        const tool = Reflect.getMetadata(MCP_TOOL_METADATA_KEY, fn) as
          { name: string; annotations?: Record<string, unknown> } | undefined;
        const resource = (Reflect.getMetadata(MCP_RESOURCE_METADATA_KEY, fn) ??
          Reflect.getMetadata(MCP_RESOURCE_TEMPLATE_METADATA_KEY, fn)) as
          { uri?: string; uriTemplate?: string } | undefined;
        const path = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
        let kind: PermissionEntry['kind'];
        let names: string[];
        if (tool) [kind, names] = ['tool', [tool.name]];
        else if (resource) [kind, names] = ['resource', [resource.uri ?? resource.uriTemplate ?? key]];
        else if (path !== undefined) {
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod];
          const prefix = Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined;
          [kind, names] = ['route', routePaths(prefix, path).map((p) => `${method} ${p}`)];
        } else continue;
        const { isPublic, consoleSession, scopes, argumentScopes, roleFloor, auditAccess, approval } =
          readPermissionMetadata(read);
        for (const name of names)
          entries.push({
            kind,
            name,
            handler: `${type.name}.${key}`,
            isPublic,
            consoleSession,
            scopes,
            argumentScopes,
            minimumRole: scopes && !isPublic && !consoleSession ? requiredRole(scopes, roleFloor) : undefined,
            auditAccess,
            approval: approval !== undefined,
            annotations: tool?.annotations,
          });
      }
    }
  }
  const order = { tool: 0, resource: 1, route: 2 };
  return entries.sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
}

const HINTS: [string, string][] = [
  ['readOnlyHint', 'read-only'],
  ['destructiveHint', 'destructive'],
  ['idempotentHint', 'idempotent'],
  ['openWorldHint', 'open-world'],
];

/**
 * What a protected entry needs of the credential: its scopes, those an argument adds, and a key made
 * with audit_access.
 */
function needs(e: PermissionEntry, scopes: Scope[]): string {
  // Thirty-one scopes in a row say less than what they amount to.
  const administrative = ADMINISTRATION.every((s) => scopes.includes(s));
  const parts = [
    ...(administrative ? ['every scope of admin'] : scopes.map((s) => `\`${s}\``)),
    ...Object.entries(e.argumentScopes ?? {}).map(
      ([arg, scopes]) => `(+ ${scopes.map((s) => `\`${s}\``).join(' ')} with \`${arg}\`)`,
    ),
    ...(e.auditAccess ? ['key with `audit_access`'] : []),
  ];
  return parts.length ? parts.join(' ') : 'any authenticated';
}

/** The permission table as Markdown: checked in as a snapshot and shown in the README. */
export function renderPermissionTable(entries: PermissionEntry[]): string {
  const rows = entries.map((e) => {
    const who = e.isPublic
      ? 'public'
      : e.consoleSession
        ? 'console session'
        : !e.scopes
          ? '**UNDECLARED**'
          : needs(e, e.scopes);
    const hints = e.annotations
      ? HINTS.filter(([k]) => e.annotations?.[k] === true)
          .map(([, label]) => label)
          .join(', ')
      : '';
    return `| ${e.kind} | \`${e.name}\` | ${who} | ${e.minimumRole ?? '—'} | ${e.approval ? 'yes' : 'no'} | ${hints || '—'} |`;
  });
  return [
    '| Kind | Name | Scopes | Minimum role | Approval | Annotations |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
