import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor, Surface } from '../access/actor';
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
  scopesRequired: string[];
  decision?: AuditDecision;
  reason?: string;
  approvalId?: string;
  idempotencyKey?: string;
  args?: unknown;
  errorCode?: string;
  /** True once operation and arguments were read from the request. */
  described?: boolean;
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
