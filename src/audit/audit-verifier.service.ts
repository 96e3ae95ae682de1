import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { isUuid } from '../common/validation/uuid';
import { auditChainKey, chainHash } from './audit-hash';
import { AUDIT_FIELD_COLUMNS, GENESIS_HASH, GLOBAL_CHAIN, type AuditFields } from './audit-record';

export interface BrokenLink {
  chain: string;
  seq: number;
  id: string | null;
  problem: string;
}

/** Where a chain ended when an earlier verify passed: kept outside the database, it pins that much. */
export interface ChainHeadAnchor {
  chain: string;
  seq: number;
  hash: string;
}

export interface VerifyReport {
  chains: number;
  records: number;
  broken?: BrokenLink;
  /** The head of every verified chain that has records, to anchor against the next time (unbroken only). */
  heads?: ChainHeadAnchor[];
}

type Row = AuditFields & {
  id: string;
  chain: string;
  seq: string;
  prev_hash: string;
  hash: string;
  occurred_at: Date | string;
};

const PAGE = 2000;

/** Recomputes every chain from its first record and reports the first link that does not hold. */
@Injectable()
export class AuditVerifier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * With anchors (heads an earlier verify saw, kept where the database's writers cannot reach), a
   * chain must still hold each anchored record: cutting records off the end and winding the head
   * back, which the chain alone cannot show, is then reported too.
   */
  async verify(chain?: string, anchors: ChainHeadAnchor[] = []): Promise<VerifyReport> {
    // Chains come from the records as well as the heads: a removed head must not hide its records.
    const chains = await this.dataSource.query<{ chain: string; seq: string | null; hash: string | null }[]>(
      `SELECT c.chain, h.seq, h.hash
         FROM (SELECT chain FROM audit_chain_heads UNION SELECT DISTINCT chain FROM audit_records) c
         LEFT JOIN audit_chain_heads h ON h.chain = c.chain
        ${chain ? 'WHERE c.chain = $1' : ''} ORDER BY c.chain`,
      chain ? [chain] : [],
    );
    // Apart from the walk, which reads each chain from seq 1 on: a row before that, or one filed
    // under this workspace but in another chain, would otherwise never be looked at.
    const misplaced = await this.misplacedRow(chain);
    if (misplaced) return { chains: chains.length, records: 0, broken: misplaced };
    const anchorOf = new Map(anchors.filter((a) => !chain || a.chain === chain).map((a) => [a.chain, a]));
    const gone = [...anchorOf.values()].find((a) => a.seq > 0 && !chains.some((c) => c.chain === a.chain));
    if (gone) {
      const problem = `the chain is gone, but an earlier verify saw it reach record ${gone.seq} (records removed)`;
      return { chains: chains.length, records: 0, broken: { chain: gone.chain, seq: 1, id: null, problem } };
    }
    const key = auditChainKey(this.config.secretKey);
    let records = 0;
    const heads: ChainHeadAnchor[] = [];
    for (const head of chains) {
      const result =
        head.seq === null || head.hash === null
          ? {
              records: 0,
              broken: { chain: head.chain, seq: 1, id: null, problem: 'records without a chain head (head removed)' },
            }
          : await this.verifyChain(key, head.chain, Number(head.seq), head.hash, anchorOf.get(head.chain));
      records += result.records;
      if (result.broken) return { chains: chains.length, records, broken: result.broken };
      if (Number(head.seq) > 0) heads.push({ chain: head.chain, seq: Number(head.seq), hash: head.hash as string });
    }
    return { chains: chains.length, records, heads };
  }

  /**
   * The first row outside the chains the writer builds: seq below 1, or a chain other than the one
   * its workspace_id implies. The database refuses both (CHECK constraints of migration
   * 1763840000000), but whoever can write SQL can drop those, so they are checked here too.
   */
  private async misplacedRow(chain?: string): Promise<BrokenLink | undefined> {
    // One chain's rows, and those filed under the workspace it stands for: each side has an index.
    let scope = '';
    const params: unknown[] = [GLOBAL_CHAIN];
    if (chain === GLOBAL_CHAIN) {
      scope = 'AND (chain = $2 OR workspace_id IS NULL)';
      params.push(chain);
    } else if (chain && isUuid(chain)) {
      scope = 'AND (chain = $2 OR workspace_id = $3)';
      params.push(chain, chain);
    } else if (chain) {
      scope = 'AND chain = $2';
      params.push(chain);
    }
    const [row] = await this.dataSource.query<
      { id: string; chain: string; seq: string; workspace_id: string | null }[]
    >(
      `SELECT id, chain, seq, workspace_id FROM audit_records
        WHERE (seq < 1 OR chain <> coalesce(workspace_id::text, $1)) ${scope}
        ORDER BY id LIMIT 1`,
      params,
    );
    if (!row) return undefined;
    const at = (problem: string): BrokenLink => ({ chain: row.chain, seq: Number(row.seq), id: row.id, problem });
    if (Number(row.seq) < 1) return at(`row id ${row.id} has seq ${row.seq}; records start at 1`);
    const filedUnder =
      row.workspace_id === null ? `no workspace (chain ${GLOBAL_CHAIN})` : `workspace ${row.workspace_id}`;
    return at(`row id ${row.id} is filed under ${filedUnder} but chained in ${row.chain}`);
  }

  private async verifyChain(
    key: Buffer,
    chain: string,
    headSeq: number,
    headHash: string,
    anchor?: ChainHeadAnchor,
  ): Promise<{ records: number; broken?: BrokenLink }> {
    let expectedSeq = 1;
    let prev = GENESIS_HASH;
    let afterSeq = 0;
    for (;;) {
      const rows = await this.dataSource.query<Row[]>(
        // Only up to the head read first: records appended while we verify are not judged half-seen.
        `SELECT * FROM audit_records WHERE chain = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT ${PAGE}`,
        [chain, afterSeq, headSeq],
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        const at = (problem: string): { records: number; broken: BrokenLink } => ({
          records: expectedSeq - 1,
          broken: { chain, seq, id: row.id, problem },
        });
        if (seq !== expectedSeq) return at(`record ${expectedSeq} is missing (next found is ${seq})`);
        if (row.prev_hash !== prev) return at('prev_hash does not match the previous record (deleted or reordered)');
        if (chainHash(key, chain, seq, prev, fieldsOf(row)) !== row.hash)
          return at('contents do not match the hash (edited, or SECRET_KEY is not the one that wrote it)');
        if (anchor && seq === anchor.seq && row.hash !== anchor.hash)
          return at('not the record an earlier verify saw here (the chain was cut back and appended to again)');
        prev = row.hash;
        expectedSeq += 1;
      }
      if (rows.length < PAGE) break;
      afterSeq = Number(rows[rows.length - 1].seq);
    }
    const last = expectedSeq - 1;
    // One statement, so one snapshot: an append moves the head and adds its records together.
    const [now] = await this.dataSource.query<{ head: string | null; last: string | null }[]>(
      `SELECT (SELECT seq FROM audit_chain_heads WHERE chain = $1) AS head,
              (SELECT max(seq) FROM audit_records WHERE chain = $1) AS last`,
      [chain],
    );
    if (now.last !== null && (now.head === null || Number(now.last) > Number(now.head))) {
      return {
        records: last,
        broken: { chain, seq: Number(now.last), id: null, problem: 'records past the chain head (head moved back)' },
      };
    }
    // Both cuts leave the chain ending early: against its own head, or against an anchored head.
    const endsEarly = (problem: string) => ({ records: last, broken: { chain, seq: last + 1, id: null, problem } });
    if (last !== headSeq || prev !== headHash)
      return endsEarly(`chain ends at ${last} but its head says ${headSeq} (records removed from the end)`);
    if (anchor && anchor.seq > last)
      return endsEarly(
        `chain ends at ${last} but an earlier verify saw it reach ${anchor.seq} (records removed from the end)`,
      );
    return { records: last };
  }
}

function fieldsOf(row: Row): AuditFields {
  const fields = Object.fromEntries(AUDIT_FIELD_COLUMNS.map((c) => [c, row[c]])) as unknown as AuditFields;
  return { ...fields, occurred_at: new Date(row.occurred_at).toISOString(), duration_ms: Number(row.duration_ms) };
}
