import type { Request } from 'express';
import type { AuditDraft } from './audit-context';
import { withoutSecrets } from './withheld-fields';

interface RpcRequest {
  method?: string;
  params?: { name?: unknown; uri?: unknown; arguments?: unknown };
}

function describeMcp(draft: AuditDraft, body: unknown): void {
  // A batch is refused whole (see refuse-unsupported-messages.ts): none of its calls is the operation.
  if (Array.isArray(body)) {
    draft.operation = 'mcp batch';
    return;
  }
  const call = body as RpcRequest | undefined;
  if (!call?.method) return;
  const p = call.params;
  const target = typeof p?.name === 'string' ? p.name : typeof p?.uri === 'string' ? p.uri : '';
  draft.operation = `mcp ${call.method}${target ? ` ${target}` : ''}`;
  if (call.method === 'tools/call') {
    draft.args = withoutSecrets(p?.arguments);
    const key = (p?.arguments as { idempotency_key?: unknown } | undefined)?.idempotency_key;
    if (typeof key === 'string') draft.idempotencyKey = key;
  } else if (call.method === 'resources/read') {
    draft.args = { uri: p?.uri };
  }
}

function describeRest(draft: AuditDraft, req: Request): void {
  const route = (req.route as { path?: string } | undefined)?.path;
  if (route) draft.operation = `${req.method} ${route}`;
  const parts: Record<string, unknown> = {};
  if (Object.keys(req.params ?? {}).length) parts.params = req.params;
  if (Object.keys(req.query ?? {}).length) parts.query = req.query;
  if (req.body && typeof req.body === 'object' && Object.keys(req.body as object).length) parts.body = req.body;
  // A one-time token can come in a query (the setup link) as a password comes in a form.
  draft.args = withoutSecrets(parts);
  const key = req.headers['idempotency-key'];
  if (typeof key === 'string') draft.idempotencyKey = key;
}

/** Names the operation and captures its arguments, once the route (and so its params) is known. */
export function describeRequest(draft: AuditDraft, req: Request): void {
  if (draft.described) return;
  draft.described = true;
  if (draft.surface === 'mcp') describeMcp(draft, req.body);
  else describeRest(draft, req);
}
