import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { canonicalJson, chainHash } from './audit-hash';
import { shapeOf } from './args-preview';
import type { AuditDraft } from './audit-context';
import { returningRows } from '../database/returning-rows';
import { AUDIT_FIELD_COLUMNS, GENESIS_HASH, GLOBAL_CHAIN, type AuditFields, type AuditOutcome } from './audit-record';

interface Pending {
  fields: AuditFields;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Records committed together at most; a longer queue drains in several transactions. */
const MAX_BATCH = 500;

const COLUMNS = ['chain', 'seq', 'prev_hash', 'hash', ...AUDIT_FIELD_COLUMNS] as const;

/**
 * Writes audit records, hash-chained per workspace. Reads and denials are group-committed: records
 * arriving while a batch is being written go into the next batch, so a busy server pays one commit
 * per batch, not per call, and each caller is answered only after its own record is durable.
 */
@Injectable()
export class AuditWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private queue: Pending[] = [];
  private flushing?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Turns a finished call into its record. The argument digest is keyed, so it cannot confirm guesses. */
  toFields(draft: AuditDraft, outcome: AuditOutcome): AuditFields {
    const a = draft.actor;
    const args = draft.args;
    const hasArgs = args !== undefined && !(typeof args === 'object' && args !== null && !Object.keys(args).length);
    const key = this.config.secretKey ?? 'postern-audit';
    return {
      occurred_at: draft.startedAt.toISOString(),
      correlation_id: draft.correlationId,
      surface: draft.surface,
      actor_kind: a?.kind ?? null,
      user_id: a?.userId ?? null,
      client_id: a?.clientId ?? null,
      key_id: a?.keyId ?? null,
      workspace_id: a?.workspaceId ?? draft.workspaceId ?? null,
      operation: draft.operation.slice(0, 300),
      scopes_required: [...draft.scopesRequired].sort(),
      scopes_presented: a ? [...a.grantedScopes].sort() : [],
      decision: draft.decision ?? (outcome === 'ok' ? 'allowed' : 'failed'),
      reason: draft.reason?.slice(0, 500) ?? null,
      approval_id: draft.approvalId ?? null,
      idempotency_key: draft.idempotencyKey?.slice(0, 200) ?? null,
      args_digest: hasArgs ? createHmac('sha256', key).update(canonicalJson(args)).digest('hex') : null,
      args_preview: hasArgs ? canonicalJson(shapeOf(args)) : null,
      outcome,
      error_code: draft.errorCode ?? null,
      duration_ms: Number((process.hrtime.bigint() - draft.startedHr) / 1_000_000n),
    };
  }

  /** Group-committed write; resolves once the record is committed. */
  write(fields: AuditFields): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ fields, resolve, reject });
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  /** Writes inside the caller's transaction: the change and its record commit or fail together. */
  async writeIn(manager: EntityManager, fields: AuditFields): Promise<void> {
    await this.insert(manager, [fields]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      // 24 parameters a record: a capped batch stays far below PostgreSQL's 65 535 bind parameters.
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.dataSource.transaction((m) =>
          this.insert(
            m,
            batch.map((p) => p.fields),
          ),
        );
        batch.forEach((p) => p.resolve());
      } catch (err) {
        this.logger.error(`audit batch of ${batch.length} failed: ${(err as Error).message}`);
        batch.forEach((p) => p.reject(err));
      }
    }
    this.flushing = undefined;
  }

  /**
   * Two statements however many chains and records: lock-or-create every chain head and read it,
   * then advance the heads and insert the records together. Heads are locked in sorted order, so
   * concurrent writers cannot deadlock.
   */
  private async insert(m: EntityManager, records: AuditFields[]): Promise<void> {
    const byChain = new Map<string, AuditFields[]>();
    for (const r of records) {
      const chain = r.workspace_id ?? GLOBAL_CHAIN;
      const list = byChain.get(chain);
      if (list) list.push(r);
      else byChain.set(chain, [r]);
    }
    const chains = [...byChain.keys()].sort();
    const heads = await m.query<{ chain: string; seq: string; hash: string }[]>(
      `INSERT INTO audit_chain_heads (chain, seq, hash)
         SELECT c, 0, $2 FROM unnest($1::text[]) WITH ORDINALITY AS t(c, n) ORDER BY n
       ON CONFLICT (chain) DO UPDATE SET chain = EXCLUDED.chain
       RETURNING chain, seq, hash`,
      [chains, GENESIS_HASH],
    );
    const headOf = new Map(returningRows<{ chain: string; seq: string; hash: string }>(heads).map((h) => [h.chain, h]));
    const rows: unknown[][] = [];
    const next: { chain: string; seq: number; hash: string }[] = [];
    for (const chain of chains) {
      const head = headOf.get(chain);
      if (!head) throw new Error(`audit chain head ${chain} could not be locked`);
      let seq = Number(head.seq);
      let prev = head.hash;
      for (const fields of byChain.get(chain) ?? []) {
        seq += 1;
        const hash = chainHash(chain, seq, prev, fields);
        rows.push([chain, seq, prev, hash, ...AUDIT_FIELD_COLUMNS.map((c) => fields[c])]);
        prev = hash;
      }
      next.push({ chain, seq, hash: prev });
    }
    const params: unknown[] = [next.map((h) => h.chain), next.map((h) => h.seq), next.map((h) => h.hash)];
    const values = rows.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(',')})`);
    await m.query(
      `WITH advanced AS (
         UPDATE audit_chain_heads h SET seq = n.seq, hash = n.hash
           FROM unnest($1::text[], $2::bigint[], $3::text[]) AS n(chain, seq, hash)
          WHERE h.chain = n.chain)
       INSERT INTO audit_records (${COLUMNS.join(',')}) VALUES ${values.join(',')}`,
      params,
    );
  }
}
