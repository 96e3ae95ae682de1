import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { workspaceOf, type Actor } from '../access/actor';
import { AUDIT_PAGE_DEFAULT, type AuditQueryDto } from './dto/audit-query.dto';
import { AUDIT_FIELD_COLUMNS } from './audit-record';

export interface AuditRow {
  id: string;
  seq: string;
  prev_hash: string;
  hash: string;
  occurred_at: Date;
  correlation_id: string;
  surface: string;
  actor_kind: string | null;
  user_id: string | null;
  client_id: string | null;
  key_id: string | null;
  operation: string;
  scopes_required: string[];
  scopes_presented: string[];
  decision: string;
  reason: string | null;
  approval_id: string | null;
  idempotency_key: string | null;
  args_digest: string | null;
  args_preview: string | null;
  outcome: string;
  error_code: string | null;
  duration_ms: number;
}

/** The fields of one workspace's trail: its own workspace id is left out. */
const WORKSPACE_FIELD_COLUMNS = AUDIT_FIELD_COLUMNS.filter((c) => c !== 'workspace_id');

/**
 * The export of one workspace's trail, with each record's place in the chain: a copy kept elsewhere
 * shows by itself a record missing (a gap in seq) or changed out of order (a prev_hash that is not
 * the hash before it).
 */
export const AUDIT_EXPORT_COLUMNS: (keyof AuditRow)[] = ['id', 'seq', 'prev_hash', 'hash', ...WORKSPACE_FIELD_COLUMNS];

/** Records an export reads per statement. */
const EXPORT_PAGE = 2000;

/** The newest and oldest records (seq) an export covers, and the cursor of what it leaves out. */
export interface ExportSpan {
  newest: string;
  oldest: string;
  next: string | null;
}

/** What a page reads: the export's columns. */
const AUDIT_QUERY_SELECT = AUDIT_EXPORT_COLUMNS.join(', ');

/**
 * Reads the actor's own workspace's trail, newest first, with keyset pagination on the record's
 * place in its chain: (chain, seq) is the chain's unique index, so a page reads its own rows, not
 * the whole trail sorted.
 */
@Injectable()
export class AuditQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Up to `limit` records, and the cursor of the rest when there are more. */
  async page(
    actor: Actor,
    q: AuditQueryDto,
    limit = q.limit ?? AUDIT_PAGE_DEFAULT,
  ): Promise<{ items: AuditRow[]; next_cursor: string | null }> {
    const rows = await this.rows(actor, q, limit + 1);
    const items = rows.slice(0, limit);
    return { items, next_cursor: rows.length > limit ? items[items.length - 1].seq : null };
  }

  /**
   * The stretch of the trail an export of at most `limit` records covers, fixed in one statement
   * before its first byte: the newest and oldest records' places, and the cursor of the rest.
   * Records appended while the export streams fall outside it. Undefined when nothing matches.
   */
  async span(actor: Actor, q: AuditQueryDto, limit: number): Promise<ExportSpan | undefined> {
    const { where, params } = this.filter(actor, q);
    const [span] = await this.dataSource.query<{ newest: string | null; oldest: string | null; more: boolean }[]>(
      `SELECT max(seq)::text AS newest, min(seq) FILTER (WHERE n <= ${Math.floor(limit)})::text AS oldest,
              count(*) > ${Math.floor(limit)} AS more
         FROM (SELECT seq, row_number() OVER (ORDER BY seq DESC) AS n FROM audit_records
                WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${Math.floor(limit) + 1}) AS s`,
      params,
    );
    if (!span?.newest || !span.oldest) return undefined;
    return { newest: span.newest, oldest: span.oldest, next: span.more ? span.oldest : null };
  }

  /** A span's records, newest first, read a page at a time so an export never holds them all. */
  async *rowsIn(actor: Actor, q: AuditQueryDto, span: ExportSpan, pageSize = EXPORT_PAGE): AsyncGenerator<AuditRow[]> {
    let cursor: string | undefined;
    for (;;) {
      const rows = await this.rows(actor, { ...q, cursor }, pageSize, span);
      if (rows.length) yield rows;
      if (rows.length < pageSize) return;
      cursor = rows[rows.length - 1].seq;
    }
  }

  private rows(actor: Actor, q: AuditQueryDto, limit: number, span?: ExportSpan): Promise<AuditRow[]> {
    const { where, params } = this.filter(actor, q);
    if (span) {
      params.push(span.newest, span.oldest);
      where.push(`seq <= $${params.length - 1}`, `seq >= $${params.length}`);
    }
    return this.dataSource.query(
      `SELECT ${AUDIT_QUERY_SELECT}
         FROM audit_records WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${Math.floor(limit)}`,
      params,
    );
  }

  private filter(actor: Actor, q: AuditQueryDto): { where: string[]; params: unknown[] } {
    // The workspace's own chain only: a row filed under it in another chain was not written by
    // this server. workspace_id stays in the filter, so its index serves the query.
    const where = ['workspace_id = $1', 'chain = $2'];
    const params: unknown[] = [workspaceOf(actor), workspaceOf(actor)];
    const add = (condition: (param: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (q.actor) add((p) => `(user_id = ${p} OR key_id = ${p})`, q.actor);
    if (q.client) add((p) => `client_id = ${p}`, q.client);
    if (q.tool) add((p) => `operation LIKE ${p}`, `%${q.tool.replace(/[%_\\]/g, '\\$&')}%`);
    if (q.decision) add((p) => `decision = ${p}`, q.decision);
    if (q.from) add((p) => `occurred_at >= ${p}`, q.from);
    if (q.to) add((p) => `occurred_at < ${p}`, q.to);
    if (q.cursor) add((p) => `seq < ${p}`, q.cursor);
    return { where, params };
  }
}
