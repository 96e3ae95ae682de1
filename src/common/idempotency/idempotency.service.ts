import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../access/actor';
import { AuditContext } from '../../audit/audit-context';
import { canonicalJson, sha256 } from '../../audit/audit-hash';
import { AppError } from '../app-error';
import { returningRows } from '../../database/returning-rows';

/** How long a key is remembered; a later call with the same key starts afresh. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

export interface IdempotentRequest {
  /** The operation the key is used for (`create_post`); the same key on another operation is refused. */
  operation: string;
  key?: string;
  /** The request as the service received it, before defaults; its digest is compared on repeat. */
  payload: unknown;
}

/** Who a key belongs to: two credentials never share keys, even in one workspace. */
function principalOf(actor: Actor): string {
  if (actor.keyId) return `key:${actor.keyId}`;
  if (actor.clientId) return `client:${actor.clientId}:${actor.userId ?? ''}`;
  if (actor.userId) return `user:${actor.userId}`;
  return actor.kind;
}

/**
 * Runs a create inside the caller's transaction at most once per idempotency key. The key row is
 * inserted first: a concurrent repeat waits on it, then reads the committed first result (or, if
 * the first call rolled back, runs itself). Results are stored as JSON, so a replay is identical.
 */
@Injectable()
export class IdempotencyService {
  async run<T extends object>(
    m: EntityManager,
    actor: Actor,
    workspaceId: string,
    request: IdempotentRequest,
    create: () => Promise<T>,
  ): Promise<T & { replayed: boolean }> {
    if (!request.key) return { ...(await create()), replayed: false };
    const draft = AuditContext.current();
    if (draft) draft.idempotencyKey = request.key;
    const principal = principalOf(actor);
    const digest = sha256(canonicalJson({ operation: request.operation, payload: request.payload }));

    await m.query(
      `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND principal = $2 AND key = $3
          AND created_at < now() - make_interval(hours => $4)`,
      [workspaceId, principal, request.key, IDEMPOTENCY_KEY_TTL_HOURS],
    );
    const claimed = returningRows(
      await m.query(
        `INSERT INTO idempotency_keys (workspace_id, principal, key, operation, request_digest, response)
           VALUES ($1, $2, $3, $4, $5, 'null') ON CONFLICT DO NOTHING RETURNING key`,
        [workspaceId, principal, request.key, request.operation, digest],
      ),
    );
    if (claimed.length) {
      // Stored and answered as JSON, so the first answer has exactly the shape of every replay.
      const json = JSON.stringify(await create());
      const result = JSON.parse(json) as T;
      await m.query(
        `UPDATE idempotency_keys SET response = $4 WHERE workspace_id = $1 AND principal = $2 AND key = $3`,
        [workspaceId, principal, request.key, json],
      );
      return { ...result, replayed: false };
    }

    const [first] = await m.query<{ operation: string; request_digest: string; response: T }[]>(
      `SELECT operation, request_digest, response FROM idempotency_keys
        WHERE workspace_id = $1 AND principal = $2 AND key = $3`,
      [workspaceId, principal, request.key],
    );
    if (!first || first.operation !== request.operation || first.request_digest !== digest) {
      throw new AppError(
        'idempotency_conflict',
        `idempotency_key ${JSON.stringify(request.key)} was already used with a different request; use a new key for a new request`,
        [{ field: 'idempotency_key', issue: 'reused with a different payload' }],
      );
    }
    if (draft) draft.reason = 'idempotent replay';
    return { ...first.response, replayed: true };
  }
}
