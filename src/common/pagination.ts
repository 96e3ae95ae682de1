import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AppError } from './app-error';
import { isIsoTimestamp } from './validation/calendar-date';
import { UUID_PATTERN } from './validation/uuid';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

interface Position {
  createdAt: string;
  id: string;
}

/** The items a page holds: as asked, within 1..MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE when not asked. */
export function pageSize(limit: number | undefined): number {
  return Number.isInteger(limit) ? Math.min(Math.max(limit as number, 1), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
}

/**
 * A timestamptz column as ISO 8601 text to the microsecond, in UTC. A JavaScript Date keeps
 * milliseconds only, too coarse a cursor for a table whose creation times keep microseconds (API
 * keys, memberships: unlike the content tables of migration 1763780000000, theirs are not truncated):
 * rows made within one millisecond would be skipped.
 */
export function exactInstantSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Opaque to callers: the position (created_at, id) of the last item of the previous page. */
export function encodeCursor(row: { createdAt: Date | string; id: string }): string {
  const at = typeof row.createdAt === 'string' ? row.createdAt : row.createdAt.toISOString();
  return Buffer.from(JSON.stringify([at, row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const invalid = new AppError('validation_failed', 'cursor is not one this server issued; start without a cursor', [
    { field: 'cursor', issue: 'invalid' },
  ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid;
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || !isIsoTimestamp(createdAt) || typeof id !== 'string' || !UUID_PATTERN.test(id))
    throw invalid;
  return { createdAt, id };
}

/**
 * Newest first, keyset-paginated on (created_at, id): stable while rows are added, and each page
 * costs the same however deep. Reads one row more than asked to know whether a next page exists.
 */
export async function paginate<T extends ObjectLiteral & { createdAt: Date; id: string }>(
  query: SelectQueryBuilder<T>,
  options: { cursor?: string; limit?: number },
): Promise<Page<T>> {
  const limit = keyset(query, options);
  const rows = await query.take(limit + 1).getMany();
  const items = rows.slice(0, limit);
  return { items, next_cursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };
}

/**
 * paginate for a query of one table, without joins, whose created_at keeps microseconds: its
 * cursor holds the exact instant (exactInstantSql).
 */
export async function paginateExact<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  options: { cursor?: string; limit?: number },
): Promise<Page<T>> {
  const alias = query.alias;
  const limit = keyset(query, options);
  const { entities, raw } = await query
    .addSelect(exactInstantSql(`${alias}.created_at`), 'page_cursor_at')
    .limit(limit + 1)
    .getRawAndEntities<Record<string, string>>();
  const items = entities.slice(0, limit);
  if (entities.length <= limit) return { items, next_cursor: null };
  const last = items[limit - 1];
  const at = raw.find((r) => r[`${alias}_id`] === last.id)?.page_cursor_at;
  if (!at) throw new Error('paginateExact: the last row has no raw instant');
  return { items, next_cursor: encodeCursor({ createdAt: at, id: last.id }) };
}

/** Orders newest first and starts after the cursor's position; returns the page size. */
function keyset<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, options: { cursor?: string; limit?: number }) {
  const alias = query.alias;
  if (options.cursor) {
    const at = decodeCursor(options.cursor);
    query.andWhere(`(${alias}.created_at, ${alias}.id) < (:cursorAt, :cursorId)`, {
      cursorAt: at.createdAt,
      cursorId: at.id,
    });
  }
  query.orderBy(`${alias}.created_at`, 'DESC').addOrderBy(`${alias}.id`, 'DESC');
  return pageSize(options.limit);
}
