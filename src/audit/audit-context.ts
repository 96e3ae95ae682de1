import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor, ActorKind, Surface } from '../access/actor';
import type { AuditDecision, AuditFields } from './audit-record';

/**
 * What is known about the current call so far. Guards, services and filters fill it in; it is
 * turned into exactly one audit record when the call ends (or inside the transaction of a change).
 */
export interface AuditDraft {
  correlationId: string;
  surface: Surface;
  startedAt: Date;
  startedHr: bigint;
  operation: string;
  actor?: Actor;
  /** Set before authentication resolves an actor (e.g. the workspace a denied key was bound to). */
  workspaceId?: string;
  /**
   * A credential the caller proved it holds but that no longer lets anyone in (a revoked or expired
   * key, an ended agent connection). It is named in the record in place of an actor, so the
   * workspace's admins see a leaked or retired credential still being tried.
   */
  refusedCredential?: RefusedCredential;
  scopesRequired: string[];
  decision?: AuditDecision;
  reason?: string;
  approvalId?: string;
  idempotencyKey?: string;
  args?: unknown;
  /** What the call's change named (see AuditContext.noteResult); shown in the preview under `result`. */
  result?: Record<string, unknown>;
  errorCode?: string;
  /** True once operation and arguments were read from the request. */
  described?: boolean;
  /** True once the authentication guard looked at the call (so it, not the audit, names its caller). */
  guarded?: boolean;
  /** True once the record was written inside a state change's transaction. */
  written: boolean;
  /**
   * Set by a call that keeps a transaction open until its answer is ready (the authorization
   * server's writes): commits it with the record (or, once `written`, without), before the answer
   * goes out. Without it, the record is group-committed on its own.
   */
  commit?: (record?: AuditFields) => Promise<void>;
  /** True once the record was committed ahead of a body too large to hold (a file download). */
  released?: boolean;
  /** Lookups that name the call (AuditContext.nameLater), awaited before the record is made. */
  naming?: Promise<unknown>[];
  /** True once the answer is complete and held while its record is made (which may wait on `naming`). */
  answered?: boolean;
}

export interface RefusedCredential {
  kind: ActorKind;
  keyId?: string;
  userId?: string;
  clientId?: string;
}

const storage = new AsyncLocalStorage<AuditDraft>();

export const AuditContext = {
  run<T>(draft: AuditDraft, fn: () => T): T {
    return storage.run(draft, fn);
  },
  current(): AuditDraft | undefined {
    return storage.getStore();
  },
  /** Files the current call under a workspace's chain when the caller is not bound to one (the operator). */
  concerns(workspaceId: string): void {
    const draft = storage.getStore();
    if (draft && !draft.actor?.workspaceId) draft.workspaceId = workspaceId;
  },
  /**
   * Files a refusal under the workspace a dead credential belonged to. Only for a credential whose
   * secret or signature was verified: a stranger cannot write into a workspace's trail by naming
   * its key.
   */
  refusedCredential(workspaceId: string, credential: RefusedCredential, reason: string): void {
    const draft = storage.getStore();
    if (!draft || draft.actor) return;
    draft.workspaceId = workspaceId;
    draft.refusedCredential = credential;
    draft.reason = reason;
  },
  /**
   * Names in the record what a change did to which object (`key`: `{ key_id, scopes }`, `member`:
   * `{ user_id, role }`, `connection`: `{ grant_id, client_id, scopes }`), for a service to call inside its audited transaction: the arguments alone
   * do not carry the id of a key just created, or the scopes of a bundle. One call that changes two
   * objects (setup: an owner and their key) names each under its own kind, so neither's fields read
   * as the other's. The preview keeps only ids and catalogue values of it, as it does of arguments;
   * a change that rolls back names nothing.
   */
  noteResult(kind: 'key' | 'member' | 'connection' | 'account', fields: Record<string, unknown>): void {
    const draft = storage.getStore();
    if (!draft) return;
    const earlier = draft.result?.[kind] as Record<string, unknown> | undefined;
    draft.result = { ...draft.result, [kind]: { ...earlier, ...fields } };
  },
  /**
   * For code that learns who a call concerns only from a statement it cannot await (a listener of
   * the authorization server's events): the record is made once `lookup` has settled.
   */
  nameLater(lookup: Promise<unknown>): void {
    const draft = storage.getStore();
    if (draft) (draft.naming ??= []).push(lookup);
  },
  start(surface: Surface, operation: string, correlationId: string): AuditDraft {
    return {
      correlationId,
      surface,
      operation,
      startedAt: new Date(),
      startedHr: process.hrtime.bigint(),
      scopesRequired: [],
      written: false,
    };
  },
};
