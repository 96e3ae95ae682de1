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

/** Opaque to callers: the position (created_at, id) of the last item of the previous page. */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
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
  const alias = query.alias;
  const limit = Math.min(Math.max(options.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  if (options.cursor) {
    const at = decodeCursor(options.cursor);
    query.andWhere(`(${alias}.created_at, ${alias}.id) < (:cursorAt, :cursorId)`, {
      cursorAt: at.createdAt,
      cursorId: at.id,
    });
  }
  const rows = await query
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(limit + 1)
    .getMany();
  const items = rows.slice(0, limit);
  return { items, next_cursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };
}
