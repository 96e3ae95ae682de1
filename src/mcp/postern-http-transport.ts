import {
  MCP_RESOURCE_METADATA_URL,
  StreamableHttpTransport,
  type StreamableHttpTransportOptions,
} from '@rekog/mcp-nest';

export interface ResourceScopeDeficiency {
  /** The resource as declared: a refusal names it by these, never by the URI as asked (client input). */
  resourceName: string;
  declaredUri: string;
  requiredScopes: string[];
  missingScopes: string[];
}

/** What the transport asks before dispatching a resources/read: the strategy answers it. */
export interface ResourceStepUp {
  resourceReadScopeDeficiency(uri: string, rawRequest?: unknown): ResourceScopeDeficiency | undefined;
}

/** The parts of mcp-nest's adapted request and response that the step-up answer uses. */
interface AdaptedRequest {
  raw?: unknown;
}
interface AdaptedResponse {
  status(code: number): { json(body: unknown): unknown };
  setHeader?(name: string, value: string): void;
}

/**
 * mcp-nest's pre-dispatch step-up hook. Its typings declare it private and untyped, so a subclass
 * can neither declare an override (TS2415) nor call it typed: the constructor replaces it on the
 * instance through this one view, as the strategy does with `toolCallScopeDeficiency`.
 */
interface StepUpHook {
  rejectedByInsufficientScope(req: AdaptedRequest, res: AdaptedResponse, body: unknown): boolean;
}

/**
 * mcp-nest's Streamable HTTP transport, whose step-up answer (403 + `WWW-Authenticate: Bearer
 * error="insufficient_scope"`) covers `tools/call` only. Here a `resources/read` an OAuth agent could
 * be granted by consent gets the same answer, so the client can run the consent round for it too;
 * everything else (what may be read, what an API key is told, an unknown URI) is left to dispatch.
 */
export class PosternHttpTransport extends StreamableHttpTransport {
  private readonly resourceMetadataUrl?: string;
  private readonly stepUpEnabled: boolean;
  private resources?: ResourceStepUp;

  constructor(options: StreamableHttpTransportOptions = {}) {
    super(options);
    const stepUp = options.stepUpAuthorization;
    this.stepUpEnabled = !!stepUp;
    this.resourceMetadataUrl = typeof stepUp === 'object' ? stepUp.resourceMetadataUrl : undefined;
    const hook = this as unknown as StepUpHook;
    const toolCalls = hook.rejectedByInsufficientScope.bind(this);
    hook.rejectedByInsufficientScope = (req, res, body) =>
      toolCalls(req, res, body) || this.rejectedResourceRead(req, res, body);
  }

  /** Who answers which scopes a resource read lacks: the strategy, which holds the decorated handlers. */
  stepUpResourceReadsWith(resources: ResourceStepUp): void {
    this.resources = resources;
  }

  private rejectedResourceRead(req: AdaptedRequest, res: AdaptedResponse, body: unknown): boolean {
    if (!this.stepUpEnabled || !this.resources) return false;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
    const call = body as { id?: unknown; method?: unknown; params?: { uri?: unknown } };
    const uri = call.params?.uri;
    if (call.method !== 'resources/read' || typeof uri !== 'string') return false;
    const deficiency = this.resources.resourceReadScopeDeficiency(uri, req.raw);
    if (!deficiency) return false;
    const { resourceName, declaredUri, requiredScopes } = deficiency;
    const message = `Resource '${resourceName}' (${declaredUri}) requires scopes: ${requiredScopes.join(', ')}`;
    const metadataUrl = this.resourceMetadataUrl ?? resourceMetadataUrlOf(req.raw);
    res.setHeader?.('WWW-Authenticate', insufficientScopeChallenge(requiredScopes, metadataUrl, message));
    res.status(403).json({ jsonrpc: '2.0', id: call.id ?? null, error: { code: -32600, message } });
    return true;
  }
}

/**
 * The header mcp-nest's tool-call step-up sends, parameter for parameter and quoted the same way.
 * Its builder is module-private in mcp-nest (not exported), hence this copy.
 */
function insufficientScopeChallenge(scopes: string[], resourceMetadataUrl: string | undefined, description: string) {
  const quote = (value: string) => value.replace(/[\\"]/g, '\\$&');
  const params = [
    `error="insufficient_scope"`,
    `error_description="${quote(description)}"`,
    `scope="${quote(scopes.join(' '))}"`,
  ];
  if (resourceMetadataUrl) params.push(`resource_metadata="${quote(resourceMetadataUrl)}"`);
  return `Bearer ${params.join(', ')}`;
}

/** mcp-nest's fallback when no URL is configured: the one its auth layer leaves on the request. */
function resourceMetadataUrlOf(raw: unknown): string | undefined {
  const value = (raw as Record<symbol, unknown> | undefined)?.[MCP_RESOURCE_METADATA_URL];
  return typeof value === 'string' ? value : undefined;
}
