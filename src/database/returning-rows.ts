/**
 * TypeORM's PostgreSQL runner answers an UPDATE/DELETE … RETURNING with `[rows, affectedCount]`
 * rather than the rows. Reading that as rows makes "no row matched" look like a match — a
 * fail-open bug in any check built on it — so every RETURNING query goes through here.
 */
export function returningRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
