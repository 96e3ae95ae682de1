import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * One statement straight on the `pg` pool under TypeORM, outside any transaction. For the few
 * statements that run on every call (the credential lookup, the audit group commit): TypeORM's
 * query runner costs more Node CPU per statement than the statement itself there. Same pool,
 * same connections, same type parsing; rows come back as `dataSource.query` gives them.
 */
export async function poolQuery<T>(dataSource: DataSource, text: string, values: unknown[]): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const result = await pool.query(text, values);
  return result.rows as T[];
}
