import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { auditChainKey, canonicalFields, canonicalJson, chainHashOfCanonical } from './audit-hash';
import { previewOf } from './args-preview';
import type { AuditDraft } from './audit-context';
import { poolQuery } from '../database/pool-query';
import { storable } from './storable-text';
import { returningRows } from '../database/returning-rows';
import { GENESIS_HASH, GLOBAL_CHAIN, type AuditFields, type AuditOutcome } from './audit-record';

interface Pending {
  fields: AuditFields;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Records committed together at most; a longer queue drains in several statements. */
const MAX_BATCH = 500;

/**
 * Advances each chain head given as (chain, new seq, new hash, expected seq, expected hash) only if
 * it still is the expected one, inserts the records (one JSON array of audit_records rows) of the
 * chains that advanced, and returns those chains. Defined once, in migration 1763810000000.
 */
const APPEND = 'SELECT chain FROM audit_append($1, $2, $3, $4, $5, $6) AS chain';

/**
 * Writes audit records, hash-chained per workspace. Reads and denials are group-committed: records
 * arriving while a batch is being written go into the next batch, so a busy server pays one commit
 * per batch, not per call, and each caller is answered only after its own record is durable.
 */
@Injectable()
export class AuditWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private queue: Pending[] = [];
  /** The head of each chain as this instance's last committed append left it: a guess, checked on use. */
  private readonly heads = new Map<string, Omit<ChainHead, 'chain'>>();
  private flushing?: Promise<void>;
  private chainKeyCache?: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Read on first use: an operator command that audits nothing (migrate) runs without SECRET_KEY. */
  private get chainKey(): Buffer {
    return (this.chainKeyCache ??= auditChainKey(this.config.secretKey));
  }

  /** Turns a finished call into its record. The argument digest is keyed, so it cannot confirm guesses. */
  toFields(draft: AuditDraft, outcome: AuditOutcome): AuditFields {
    const a = draft.actor;
    const who = a ?? draft.refusedCredential;
    const args = draft.args;
    const hasArgs = args !== undefined && !(typeof args === 'object' && args !== null && !Object.keys(args).length);
    const preview = previewOf(hasArgs ? args : undefined, draft.result);
    // Every entry point resolves the key first; without one, a digest could confirm guesses.
    const key = this.config.secretKey;
    if (!key) throw new Error('audit digests need SECRET_KEY');
    return {
      occurred_at: draft.startedAt.toISOString(),
      correlation_id: storable(draft.correlationId),
      surface: draft.surface,
      actor_kind: who?.kind ?? null,
      user_id: who?.userId ?? null,
      client_id: who?.clientId ?? null,
      key_id: who?.keyId ?? null,
      workspace_id: a?.workspaceId ?? draft.workspaceId ?? null,
      operation: storable(draft.operation, 300),
      scopes_required: [...draft.scopesRequired].sort(),
      scopes_presented: a ? [...a.grantedScopes].sort() : [],
      decision: draft.decision ?? (outcome === 'ok' ? 'allowed' : 'failed'),
      reason: draft.reason === undefined ? null : storable(draft.reason, 500),
      approval_id: draft.approvalId ?? null,
      idempotency_key: draft.idempotencyKey === undefined ? null : storable(draft.idempotencyKey, 200),
      args_digest: hasArgs ? createHmac('sha256', key).update(canonicalJson(args)).digest('hex') : null,
      args_preview: preview === undefined ? null : canonicalJson(preview),
      outcome,
      error_code: draft.errorCode === undefined ? null : storable(draft.errorCode),
      duration_ms: Number((process.hrtime.bigint() - draft.startedHr) / 1_000_000n),
    };
  }

  /** Group-committed write; resolves once the record is committed. */
  write(fields: AuditFields): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ fields, resolve, reject });
      // Start after the I/O already polled, so the calls that finished together share a statement.
      if (!this.flushing) this.flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  /** Writes inside the caller's transaction: the change and its record commit or fail together. */
  async writeIn(manager: EntityManager, fields: AuditFields): Promise<void> {
    await this.insert(manager, new Map([[chainOf(fields), [fields]]]));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        const byChain = groupByChain(batch);
        let failed: Map<string, unknown>;
        try {
          failed = await this.append(new Map([...byChain].map(([chain, ps]) => [chain, ps.map((p) => p.fields)])));
        } catch (err) {
          // Not expected (append settles per chain), but no caller may be left waiting.
          this.heads.clear();
          batch.forEach((p) => p.reject(err));
          continue;
        }
        for (const [chain, pending] of byChain) {
          if (failed.has(chain)) pending.forEach((p) => p.reject(failed.get(chain)));
          else pending.forEach((p) => p.resolve());
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * One statement for the chains whose head this instance last wrote (the usual case), the locking
   * transaction for the rest: chains it has not written yet, and chains another instance or an
   * audited change has advanced since. Returns the chains whose records were not committed, with
   * why: one chain that cannot be appended to (its head tampered with) fails its own callers only.
   */
  private async append(byChain: Map<string, AuditFields[]>): Promise<Map<string, unknown>> {
    const cached = [...byChain.keys()].filter((c) => this.heads.has(c));
    const failed = new Map<string, unknown>();
    let done = new Set<string>();
    if (cached.length) {
      try {
        done = await this.appendAfterKnownHeads(cached, byChain);
      } catch (err) {
        // Refused by the server, the statement committed nothing: its chains go the locking way,
        // chain by chain if need be. Anything else (a lost connection) may have committed it, so
        // it is not tried again.
        if (refusedByServer(err)) cached.forEach((c) => this.heads.delete(c));
        else this.markFailed(failed, cached, err, byChain);
      }
    }
    const rest = [...byChain.keys()].filter((c) => !done.has(c) && !failed.has(c));
    if (!rest.length) return failed;
    try {
      await this.appendLocked(rest, byChain);
    } catch (err) {
      if (rest.length === 1 || !refusedByServer(err)) return this.markFailed(failed, rest, err, byChain);
      // The server refused a statement, so nothing of the transaction was committed; which chain it
      // refused is not known: each is tried alone, and the other chains' callers are answered.
      for (const chain of rest) {
        try {
          await this.appendLocked([chain], byChain);
        } catch (alone) {
          this.markFailed(failed, [chain], alone, byChain);
        }
      }
    }
    return failed;
  }

  /** The locking transaction for these chains' records, leaving their heads known to this instance. */
  private async appendLocked(chains: string[], byChain: Map<string, AuditFields[]>): Promise<void> {
    const only = new Map(chains.map((c) => [c, byChain.get(c) ?? []]));
    const heads = await this.dataSource.transaction(async (m) => {
      // As audit_append does: a head held elsewhere fails this batch fast instead of holding all.
      await m.query(`SET LOCAL lock_timeout = '2s'`);
      return this.insert(m, only);
    });
    for (const h of heads) this.heads.set(h.chain, { seq: h.seq, hash: h.hash });
  }

  private markFailed(
    failed: Map<string, unknown>,
    chains: string[],
    err: unknown,
    byChain: Map<string, AuditFields[]>,
  ): Map<string, unknown> {
    for (const chain of chains) {
      this.heads.delete(chain);
      failed.set(chain, err);
      this.logger.error(
        `audit batch of ${byChain.get(chain)?.length ?? 0} record(s) for chain ${chain} failed: ${String((err as Error | undefined)?.message ?? err)}`,
      );
    }
    return failed;
  }

  /**
   * Advances each head only if it is still what this instance last wrote, and inserts the records
   * of exactly those chains, in one autocommitted statement: a chain is appended whole or not at
   * all. Returns the chains appended; the others go through the locking path.
   */
  private async appendAfterKnownHeads(chains: string[], byChain: Map<string, AuditFields[]>): Promise<Set<string>> {
    const links = chains.map((chain) => link(this.chainKey, chain, this.heads.get(chain)!, byChain.get(chain)!));
    const appended = await poolQuery<{ chain: string }>(this.dataSource, APPEND, appendParams(links));
    const done = new Set(appended.map((r) => r.chain));
    for (const l of links) {
      if (done.has(l.next.chain)) this.heads.set(l.next.chain, { seq: l.next.seq, hash: l.next.hash });
      else this.heads.delete(l.next.chain);
    }
    return done;
  }

  /**
   * Two statements however many chains and records: lock-or-create every chain head and read it,
   * then append from those heads with audit_append. Heads are locked in sorted order, so
   * concurrent writers cannot deadlock. Returns the heads as they will be once the caller commits.
   */
  private async insert(m: EntityManager, byChain: ReadonlyMap<string, AuditFields[]>): Promise<ChainHead[]> {
    const chains = [...byChain.keys()].sort();
    const heads = await m.query<{ chain: string; seq: string; hash: string }[]>(
      `INSERT INTO audit_chain_heads (chain, seq, hash)
         SELECT c, 0, $2 FROM unnest($1::text[]) WITH ORDINALITY AS t(c, n) ORDER BY n
       ON CONFLICT (chain) DO UPDATE SET chain = EXCLUDED.chain
       RETURNING chain, seq, hash`,
      [chains, GENESIS_HASH],
    );
    const headOf = new Map(returningRows<{ chain: string; seq: string; hash: string }>(heads).map((h) => [h.chain, h]));
    const links = chains.map((chain) => {
      const head = headOf.get(chain);
      if (!head) throw new Error(`audit chain head ${chain} could not be locked`);
      return link(this.chainKey, chain, { seq: Number(head.seq), hash: head.hash }, byChain.get(chain)!);
    });
    // The heads are locked, so every chain advances; one that did not would lose its records silently.
    const appended = await m.query<{ chain: string }[]>(APPEND, appendParams(links));
    if (appended.length !== links.length) throw new Error('audit chain heads moved while locked');
    return links.map((l) => l.next);
  }
}

interface ChainHead {
  chain: string;
  seq: number;
  hash: string;
}

interface Link {
  from: Omit<ChainHead, 'chain'>;
  /** Each record as a JSON object of its audit_records columns, as audit_append reads them. */
  rows: string[];
  next: ChainHead;
}

function chainOf(r: AuditFields): string {
  return r.workspace_id ?? GLOBAL_CHAIN;
}

function groupByChain(pending: Pending[]): Map<string, Pending[]> {
  const byChain = new Map<string, Pending[]>();
  for (const r of pending) {
    const chain = chainOf(r.fields);
    const list = byChain.get(chain);
    if (list) list.push(r);
    else byChain.set(chain, [r]);
  }
  return byChain;
}

/** The rows that extend a chain from a head, each hashed over the one before. */
function link(key: Buffer, chain: string, from: Omit<ChainHead, 'chain'>, records: AuditFields[]): Link {
  const rows: string[] = [];
  let seq = from.seq;
  let prev = from.hash;
  for (const fields of records) {
    seq += 1;
    // The canonical text is hashed and is also the row's JSON: serialised once, and what is stored
    // is exactly what was hashed.
    const canonical = canonicalFields(fields);
    const hash = chainHashOfCanonical(key, chain, seq, prev, canonical);
    const head = JSON.stringify({ chain, seq, prev_hash: prev, hash });
    rows.push(canonical === '{}' ? head : `${head.slice(0, -1)},${canonical.slice(1)}`);
    prev = hash;
  }
  return { from, rows, next: { chain, seq, hash: prev } };
}

/** audit_append's parameters: the heads as five arrays, then the records as one JSON array. */
function appendParams(links: Link[]): unknown[] {
  const rows = links.map((l) => l.rows.join(',')).join(',');
  return [
    links.map((l) => l.next.chain),
    links.map((l) => l.next.seq),
    links.map((l) => l.next.hash),
    links.map((l) => l.from.seq),
    links.map((l) => l.from.hash),
    `[${rows}]`,
  ];
}

/**
 * A statement PostgreSQL refused for what it said (bad data, a constraint, a serialization failure
 * or deadlock, a raised exception) or cancelled (its statement timeout, 57014; a lock it waited
 * for too long, 55P03): its transaction is rolled back, not in doubt. Connection and shutdown
 * errors (08, the rest of 57), and 40003 (completion unknown), are not: the commit may have
 * happened.
 */
const ROLLED_BACK = /^((22|23|42|P0)[0-9A-Z]{3}|40001|40002|40P01|57014|55P03)$/;

function refusedByServer(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown } | undefined;
  return typeof e?.severity === 'string' && typeof e.code === 'string' && ROLLED_BACK.test(e.code);
}
