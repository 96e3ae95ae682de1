import type { ActorKind, Surface } from '../access/actor';

export type AuditDecision = 'allowed' | 'denied' | 'invalid' | 'failed';
export type AuditOutcome = 'ok' | 'error';

/** One call, as hashed and stored. Field names match the columns. */
export interface AuditFields {
  occurred_at: string;
  correlation_id: string;
  surface: Surface;
  actor_kind: ActorKind | null;
  user_id: string | null;
  client_id: string | null;
  key_id: string | null;
  workspace_id: string | null;
  operation: string;
  scopes_required: string[];
  scopes_presented: string[];
  decision: AuditDecision;
  reason: string | null;
  approval_id: string | null;
  idempotency_key: string | null;
  args_digest: string | null;
  /** Canonical JSON of the redacted shape of the arguments: types and lengths; of values, only object ids. */
  args_preview: string | null;
  outcome: AuditOutcome;
  error_code: string | null;
  duration_ms: number;
}

/** The columns of AuditFields, in table order: what the writer inserts and the export lists. */
export const AUDIT_FIELD_COLUMNS = [
  'occurred_at',
  'correlation_id',
  'surface',
  'actor_kind',
  'user_id',
  'client_id',
  'key_id',
  'workspace_id',
  'operation',
  'scopes_required',
  'scopes_presented',
  'decision',
  'reason',
  'approval_id',
  'idempotency_key',
  'args_digest',
  'args_preview',
  'outcome',
  'error_code',
  'duration_ms',
] as const satisfies readonly (keyof AuditFields)[];

export const GLOBAL_CHAIN = 'global';
export const GENESIS_HASH = '0'.repeat(64);
