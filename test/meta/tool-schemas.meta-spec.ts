import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ALL_SCOPES } from '../../src/access/scopes';
import { APPROVAL_ACTIONS } from '../../src/domain/workspaces/workspace-settings';
import { permissionInventory } from '../../src/access/permission-inventory';
import { buildWorkspaceWithKey } from '../factories';
import { connectMcp } from '../support/mcp-client';
import { startTestApp, type TestApp } from '../support/test-app';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  maxLength?: number;
  maxItems?: number;
};

/** Every string and array in an input schema has an upper bound, and no object takes unknown keys. */
function unbounded(schema: JsonSchema, at: string): string[] {
  const problems: string[] = [];
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const bounded = schema.enum !== undefined || schema.const !== undefined;
  if (types.includes('string') && !bounded && schema.maxLength === undefined && schema.format !== 'uuid')
    problems.push(`${at}: string without maxLength`);
  if (types.includes('array') && schema.maxItems === undefined) problems.push(`${at}: array without maxItems`);
  if (types.includes('object') && schema.properties && schema.additionalProperties !== false)
    problems.push(`${at}: object accepts unknown keys`);
  for (const [name, sub] of Object.entries(schema.properties ?? {})) problems.push(...unbounded(sub, `${at}.${name}`));
  if (typeof schema.additionalProperties === 'object')
    problems.push(...unbounded(schema.additionalProperties, `${at}.*`));
  if (schema.items) problems.push(...unbounded(schema.items, `${at}[]`));
  for (const sub of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
    problems.push(...unbounded(sub, at));
  return problems;
}

/**
 * What a model reads: every tool is named verb_noun, says what it does at some length, bounds every
 * argument, refuses unknown ones, and declares the shape of its result.
 */
describe('tool schemas', () => {
  let t: TestApp;
  let client: Client;
  beforeAll(async () => {
    t = await startTestApp();
    // Every action allowed directly: tools the approval policy reserves are not listed to keys.
    const { token } = await buildWorkspaceWithKey(t.app, {
      scopes: [...ALL_SCOPES],
      allowDirect: [...APPROVAL_ACTIONS],
    });
    client = await connectMcp(t.url, token);
  });
  afterAll(async () => {
    await client.close();
    await t.close();
  });

  it('names, describes, bounds and types every tool', async () => {
    const { tools } = await client.listTools();
    expect(tools.length).toBe(permissionInventory(t.app).filter((e) => e.kind === 'tool').length);
    const problems = tools.flatMap((tool) => [
      ...(/^[a-z]+(_[a-z]+)+$/.test(tool.name) ? [] : [`${tool.name}: not verb_noun`]),
      ...((tool.description ?? '').length >= 80 ? [] : [`${tool.name}: description under 80 characters`]),
      ...(tool.outputSchema ? [] : [`${tool.name}: no outputSchema`]),
      ...(tool.annotations?.title ? [] : [`${tool.name}: no annotations.title`]),
      ...unbounded(tool.inputSchema as JsonSchema, tool.name),
    ]);
    expect(problems).toEqual([]);
  });

  it('uses every scope outside analytics:* in at least one tool, resource or route', () => {
    const used = new Set(permissionInventory(t.app).flatMap((e) => e.scopes ?? []));
    const unused = ALL_SCOPES.filter((s) => !s.startsWith('analytics:') && !used.has(s));
    expect(unused).toEqual([]);
  });
});
