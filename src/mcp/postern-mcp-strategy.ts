import { ProtocolError, ProtocolErrorCode, type McpServer } from '@modelcontextprotocol/server';
import { MCP_TOOL_METADATA_KEY, McpStrategy } from '@rekog/mcp-nest';
import { readPermissionMetadata } from '../access/permission-metadata';
import { scopesWithArguments } from '../access/scopes-for-arguments.decorator';
import { allowlistHides, assertRole, assertScopes, hasRole, missingScopesMessage } from '../access/access-refusals';
import { policyAllows } from '../access/effective-scopes';
import { approvalReserves, assertNotReserved } from '../access/approval-reserved';
import type { Actor } from '../access/actor';
import type { ActorRequest } from '../access/request-actor';
import type { Scope } from '../access/scopes';
import type { z } from 'zod';
import { AuditContext } from '../audit/audit-context';
import type { AppError } from '../common/app-error';
import { builtInKeys } from '../common/validation/built-in-keys';
import { noteError } from '../audit/audit-outcome';
import type { ResourceScopeDeficiency, ResourceStepUp } from './postern-http-transport';
import {
  resourcePermissionIndex,
  resourcePermissionsByDeclaration,
  type ResourcePermissions,
} from './resource-permissions';
import { argumentErrorDetails } from './tool-argument-errors';
import { answerMalformedParams, methodOf } from './invalid-params';
import { resourceVisible, toolVisible, type ToolPermissions } from './tool-visibility';

type Handler = (
  request: { params?: { name?: string; arguments?: Record<string, unknown> } },
  context: unknown,
) => Promise<unknown>;
type SetRequestHandler = (method: string, handler: Handler) => void;

/**
 * mcp-nest's strategy, with `tools/list` cut down to what the caller may call (and the resource
 * lists to what it may read), and a tool hidden by a key's allowlist answered exactly like a tool
 * that does not exist. The permission checks themselves stay in the global guards, which run
 * around every tool call and resource read.
 */
export class PosternMcpStrategy extends McpStrategy implements ResourceStepUp {
  private permissions?: Map<string, CallPermissions>;
  private resourcePermissions?: (uri: string) => ResourcePermissions | undefined;
  private declaredResources?: Map<string, ResourcePermissions | undefined>;

  constructor(options: ConstructorParameters<typeof McpStrategy>[0]) {
    super(options);
    // The transport asks this before dispatch to answer an OAuth agent's missing scope with the MCP
    // step-up challenge (HTTP 403 + WWW-Authenticate). API keys cannot step up: they keep the
    // structured tool error from the guards. (The base method is private, hence an own property.)
    Object.defineProperty(this, 'toolCallScopeDeficiency', {
      value: (toolName: string, rawRequest?: unknown) => this.stepUpNeeded(toolName, rawRequest),
    });
  }

  private stepUpNeeded(toolName: string, rawRequest?: unknown) {
    const request = rawRequest as (ActorRequest & { body?: unknown }) | undefined;
    const actor = request?.actor;
    const declared = this.permissionsOf(toolName);
    if (actor?.kind !== 'agent' || !declared || allowlistHides(actor, toolName)) return undefined;
    // The scopes of this call: the tool's own, and those its arguments add (validate_post's draft_id).
    const permissions = {
      ...declared,
      scopes: callScopes(declared, argumentsOf(request?.body)),
    };
    const missing = permissions.scopes.filter((s) => !actor.scopes.has(s));
    if (!missing.length || !stepUpCanHelp(actor, permissions, missing)) return undefined;
    noteStepUp(permissions.scopes, missing);
    return { toolName, requiredScopes: [...permissions.scopes], missingScopes: missing, match: 'all' as const };
  }

  /**
   * The same question for a `resources/read`, asked by PosternHttpTransport before dispatch (mcp-nest
   * asks it for tool calls only), with the same answer: a challenge only for an OAuth agent whose
   * missing scopes consent could grant. A key limited to named tools reads no scoped resource at all.
   */
  resourceReadScopeDeficiency(uri: string, rawRequest?: unknown): ResourceScopeDeficiency | undefined {
    const actor = (rawRequest as ActorRequest | undefined)?.actor;
    if (actor?.kind !== 'agent' || actor.toolAllowlist) return undefined;
    this.resourcePermissions ??= resourcePermissionIndex(this.methodRefs());
    const permissions = this.resourcePermissions(uri);
    if (!permissions) return undefined;
    const missing = permissions.scopes.filter((s) => !actor.scopes.has(s));
    if (!missing.length || !stepUpCanHelp(actor, permissions, missing)) return undefined;
    noteStepUp(permissions.scopes, missing);
    return {
      resourceName: permissions.name,
      declaredUri: permissions.declared,
      requiredScopes: [...permissions.scopes],
      missingScopes: missing,
    };
  }

  override bindRequestHandlers(
    server: McpServer,
    session: Parameters<McpStrategy['bindRequestHandlers']>[1],
    rawRequest?: unknown,
  ): void {
    const inner = server.server as unknown as { setRequestHandler: SetRequestHandler };
    const registered = inner.setRequestHandler.bind(inner);
    const actor = (rawRequest as ActorRequest | undefined)?.actor;
    // One server per request (stateless): the method asked is known, and whether the SDK got as
    // far as its handler tells a refusal of the params from a failure of the handler.
    const asked = methodOf(rawRequest);
    let reached = false;
    const original: SetRequestHandler = (method, handler) =>
      registered(
        method,
        method === asked
          ? (request, context) => {
              reached = true;
              return handler(request, context);
            }
          : handler,
      );
    inner.setRequestHandler = (method, handler) => {
      if (method === 'tools/list') {
        return original(method, async (request, context) => {
          const result = (await handler(request, context)) as { tools: ListedTool[] };
          return {
            ...result,
            tools: result.tools.flatMap((t) => {
              const permissions = this.permissionsOf(t.name);
              return permissions && toolVisible(actor, t.name, permissions)
                ? [withSecurityScheme(t, permissions.scopes)]
                : [];
            }),
          };
        });
      }
      // Resources are listed as tools are: only what the caller may read.
      const listed = LISTS.get(method);
      if (listed) {
        return original(method, async (request, context) => {
          const result = (await handler(request, context)) as Record<string, { [key: string]: unknown }[]>;
          this.declaredResources ??= resourcePermissionsByDeclaration(this.methodRefs());
          const entries = result[listed.key].filter((entry) =>
            resourceVisible(actor, this.declaredResources?.get(String(entry[listed.uri]))),
          );
          return { ...result, [listed.key]: entries };
        });
      }
      if (method === 'resources/read') {
        // mcp-nest decodes the URI's percent-escapes while matching it, inside the handler: a bad one
        // would answer "Internal error" for what is the caller's mistake.
        return original(method, async (request, context) => {
          try {
            return await handler(request, context);
          } catch (err) {
            if (!(err instanceof URIError)) throw err;
            const message = 'uri has a malformed percent-escape';
            noteError(AuditContext.current(), 'validation_failed', message);
            throw new ProtocolError(ProtocolErrorCode.InvalidParams, `validation_failed: ${message}`);
          }
        });
      }
      if (method === 'tools/call') {
        return original(method, (request, context) => {
          const name = request.params?.name ?? '';
          const permissions = this.permissionsOf(name);
          // A name that is no tool goes on to be answered as unknown, and recorded as invalid.
          if (allowlistHides(actor, name) && permissions) {
            // Answered as an unknown tool, recorded as what it is: a refusal (the code keeps the
            // transport's invalid_params from relabelling it) of a call needing these scopes.
            const draft = AuditContext.current();
            if (draft) draft.scopesRequired = callScopes(permissions, request.params?.arguments);
            noteError(draft, 'forbidden', 'tool not in the key allowlist');
            throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}`);
          }
          // The arguments as parsed from the body: the SDK's copy has lost a `__proto__` key (or made it
          // the object's prototype, so `{"__proto__":{"text":"x"}}` read as text "x").
          const raw = (rawRequest as { body?: { params?: { arguments?: unknown } } } | undefined)?.body?.params;
          const refused = this.refuseArguments(actor, name, request.params?.arguments, raw?.arguments);
          return refused ?? handler(request, context);
        });
      }
      return original(method, handler);
    };
    try {
      super.bindRequestHandlers(server, session, rawRequest);
    } finally {
      inner.setRequestHandler = registered;
    }
    if (asked) answerMalformedParams(server, asked, () => reached);
  }

  /**
   * The tool's own schema, checked here so a refusal names every bad field in the structured error
   * every other failure uses (mcp-nest would answer a plain "Invalid parameters" sentence).
   */
  private refuseArguments(
    actor: Actor | undefined,
    tool: string,
    args: Record<string, unknown> | undefined,
    rawArgs: unknown,
  ) {
    const permissions = this.permissionsOf(tool);
    const schema = permissions?.parameters;
    if (!schema) return undefined;
    const parsed = schema.safeParse(args ?? {});
    // A name every object has (`__proto__`, `constructor` …) is no argument either; the schema would
    // not see it.
    const builtIn = builtInKeys(rawArgs).map((field) => ({ field, issue: 'is not a known argument' }));
    if (parsed.success && !builtIn.length) return undefined;
    // Refused before the guards, which would have recorded the scopes the call needs.
    const scopes = callScopes(permissions, args);
    const draft = AuditContext.current();
    if (draft) draft.scopesRequired = scopes;
    // A caller who may not make this call is told so (denied), as the guards would, in their order,
    // before anything about its arguments: the schema of a tool it cannot use is none of its business.
    if (actor?.role) {
      try {
        assertRole({ ...actor, role: actor.role }, permissions.scopes, permissions.roleFloor);
        assertScopes(actor, scopes);
        if (permissions.approval) assertNotReserved(actor, permissions.approval.action);
      } catch (err) {
        const refusal = err as AppError;
        noteError(draft, refusal.code, refusal.message);
        const error = { code: refusal.code, message: refusal.message, details: refusal.details };
        return Promise.resolve({ content: [{ type: 'text', text: JSON.stringify({ error }) }], isError: true });
      }
    }
    const details = [...(parsed.success ? [] : argumentErrorDetails(parsed.error)), ...builtIn];
    const message = details.map((d) => `${d.field}: ${d.issue}`).join('; ');
    noteError(draft, 'validation_failed', message.slice(0, 300));
    const error = { code: 'validation_failed', message: `invalid arguments for ${tool}: ${message}`, details };
    return Promise.resolve({ content: [{ type: 'text', text: JSON.stringify({ error }) }], isError: true });
  }

  /** The decorated methods behind mcp-nest's handlers: tools, resources and prompts. */
  private methodRefs(): object[] {
    return [...this.getHandlers().values()].flatMap((handler) => {
      const ref = (handler as { extras?: { mcpMethodRef?: object } }).extras?.mcpMethodRef;
      return ref ? [ref] : [];
    });
  }

  /** Read once from the decorators on the bound tool methods, the same metadata the guards read. */
  private permissionsOf(tool: string): CallPermissions | undefined {
    if (!this.permissions) {
      this.permissions = new Map();
      for (const ref of this.methodRefs()) {
        const meta = Reflect.getMetadata(MCP_TOOL_METADATA_KEY, ref) as
          { name?: string; parameters?: z.ZodType } | undefined;
        const { scopes, roleFloor, approval, argumentScopes } = readPermissionMetadata(
          <T>(key: string) => Reflect.getMetadata(key, ref) as T | undefined,
        );
        // Undeclared here (on the method): no permissions, so the tool is listed to nobody and never
        // offered a step-up, and the guards refuse its calls. Fail closed, never "needs nothing".
        if (!meta?.name || !scopes) continue;
        this.permissions.set(meta.name, { scopes, roleFloor, approval, argumentScopes, parameters: meta.parameters });
      }
    }
    return this.permissions.get(tool);
  }
}

/** The two resource lists: which member of the result holds the entries, and which field names one. */
const LISTS = new Map([
  ['resources/list', { key: 'resources', uri: 'uri' }],
  ['resources/templates/list', { key: 'resourceTemplates', uri: 'uriTemplate' }],
]);

interface CallPermissions extends ToolPermissions {
  parameters?: z.ZodType;
  argumentScopes?: Record<string, Scope[]>;
}

/** The arguments of a JSON-RPC tools/call body, if it is one. */
/** The scopes a call of the tool with these arguments needs: its own and those its arguments add. */
function callScopes(permissions: CallPermissions, args: unknown): Scope[] {
  return scopesWithArguments(permissions.scopes, permissions.argumentScopes, args);
}

function argumentsOf(body: unknown): Record<string, unknown> {
  const args = (body as { params?: { arguments?: unknown } } | undefined)?.params?.arguments;
  return args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
}

/**
 * A step-up answer ends the call before dispatch: its audit record says so, and why, as the guards'
 * refusal of an API key would.
 */
function noteStepUp(scopes: readonly Scope[], missing: readonly Scope[]): void {
  const draft = AuditContext.current();
  if (!draft) return;
  draft.scopesRequired = [...scopes];
  noteError(draft, 'insufficient_scope', missingScopesMessage(missing));
}

/**
 * Asking the user for more scopes helps only when what is missing was never granted and consent
 * could grant it. A role too low, a scope the workspace policy withholds from agents, or an action
 * its approval policy reserves for a person, is answered by the guards (insufficient_role,
 * insufficient_scope) instead: a challenge there would send the client round a consent that can
 * never get the call through.
 */
function stepUpCanHelp(actor: Actor, permissions: ToolPermissions, missing: readonly Scope[]): boolean {
  if (!actor.role || !hasRole({ ...actor, role: actor.role }, permissions.scopes, permissions.roleFloor)) return false;
  if (permissions.approval && approvalReserves(actor, permissions.approval.action)) return false;
  const settings = actor.binding?.workspace.settings;
  if (!settings) return false;
  return missing.every((s) => !actor.grantedScopes.has(s) && policyAllows(s, actor.kind, settings));
}

interface ListedTool {
  name: string;
  _meta?: Record<string, unknown>;
}

/**
 * mcp-nest describes each tool's authorization from its own decorators, which Postern does not use,
 * and so called every tool `noauth`. Each tool needs an OAuth token (or key) with its scopes.
 */
function withSecurityScheme(tool: ListedTool, scopes: readonly Scope[]): ListedTool {
  return { ...tool, _meta: { ...tool._meta, securitySchemes: [{ type: 'oauth2', scopes: [...scopes] }] } };
}
