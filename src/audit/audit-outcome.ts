import type { AuditDraft } from './audit-context';

const INVALID = new Set([
  'validation_failed',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_params',
  'invalid_request',
  // JSON-RPC's own refusals of a message: unparsable, not a request, no such method.
  'rpc_-32700',
  'rpc_-32600',
  'rpc_-32601',
]);
const DENIED = new Set([
  'unauthenticated',
  'forbidden',
  'insufficient_scope',
  'insufficient_role',
  'approval_required',
  // A limit refused the call: a decision about the caller, not a failure of the server.
  'rate_limited',
]);

/** Records why a call failed: its error code and, from the code, the decision it amounts to. */
export function noteError(draft: AuditDraft | undefined, code: string, reason?: string): void {
  if (!draft) return;
  draft.errorCode = code;
  if (reason && !draft.reason) draft.reason = reason;
  if (DENIED.has(code) || code === 'http_401' || code === 'http_403') draft.decision = 'denied';
  else if (INVALID.has(code) || /^http_4/.test(code)) draft.decision = 'invalid';
  else if (code === 'internal_error' || code === 'unavailable' || code === 'rpc_-32603') draft.decision = 'failed';
  // Not found before any guard decided: no such route, so the call itself was invalid. After a
  // guard allowed it, not found is the answer to an allowed call and the decision stays.
  else if (code === 'not_found' && !draft.decision) draft.decision = 'invalid';
}

interface RpcMessage {
  result?: { isError?: boolean; content?: { type?: string; text?: string }[] };
  error?: { code?: number; message?: string };
}

/** Reads an MCP response body (one JSON-RPC message) for the outcome of the call it answers. */
export function noteMcpResponse(draft: AuditDraft, body: Buffer): void {
  // The body was written by JSON.stringify (no spaces, no escaped key names), so a message with
  // an error or a failed result contains one of these; most answers contain neither and are not read.
  if (!body.includes('"error":') && !body.includes('"isError":true')) return;
  let message: RpcMessage;
  try {
    message = JSON.parse(body.toString('utf8')) as RpcMessage;
  } catch {
    return;
  }
  if (message.error) {
    // The exception filter already recorded the domain code behind this JSON-RPC error (a failed
    // resource read is answered as one); the transport's code would only hide it.
    if (draft.errorCode) return;
    noteError(
      draft,
      message.error.code === -32602 ? 'invalid_params' : `rpc_${message.error.code ?? 'error'}`,
      message.error.message,
    );
    return;
  }
  if (!message.result?.isError || draft.errorCode) return;
  const text = message.result.content?.[0]?.text ?? '';
  if (text.startsWith('Invalid parameters')) return noteError(draft, 'invalid_params', text.slice(0, 300));
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
    noteError(draft, parsed.error?.code ?? 'tool_error', parsed.error?.message);
  } catch {
    noteError(draft, 'tool_error');
  }
}
