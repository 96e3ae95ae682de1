import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { databaseUrl } from '../support/test-config';

/**
 * Concurrent pooled connections must each get their own answers. On the embedded database this
 * guards the fix for pglite-socket interleaving extended-protocol messages (pglite#1046): without
 * it, this exact workload returned about a third of the reads with another owner's row or failed.
 */
describe('database under concurrent connections', () => {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
  const secrets = `zz_secrets_${suffix}`;
  const counter = `zz_counter_${suffix}`;
  let pool: Pool;
  beforeAll(async () => {
    pool = new Pool({ connectionString: databaseUrl(), max: 8 });
    await pool.query(`CREATE TABLE ${secrets} (owner int PRIMARY KEY, secret text)`);
    await pool.query(`CREATE TABLE ${counter} (id int PRIMARY KEY, n int)`);
    await pool.query(`INSERT INTO ${counter} VALUES (1, 0)`);
    await pool.query(`INSERT INTO ${secrets} SELECT g, 'secret-of-' || g FROM generate_series(1, 100) g`);
  });
  afterAll(async () => {
    await pool.query(`DROP TABLE ${secrets}`);
    await pool.query(`DROP TABLE ${counter}`);
    await pool.end();
  });

  it('never hands a query another query’s rows while locking transactions run alongside', async () => {
    let wrong = 0;
    let errors = 0;
    for (let round = 0; round < 30; round++) {
      await Promise.all(
        Array.from({ length: 16 }, async (_, i) => {
          const owner = ((round * 16 + i) % 100) + 1;
          try {
            if (i % 4 === 0) {
              const c = await pool.connect();
              try {
                await c.query('BEGIN');
                await c.query(`SELECT n FROM ${counter} WHERE id = $1 FOR UPDATE`, [1]);
                await c.query(`UPDATE ${counter} SET n = n + $2 WHERE id = $1`, [1, 1]);
                await c.query('COMMIT');
              } finally {
                c.release();
              }
            } else {
              const r = await pool.query<{ secret: string }>(`SELECT secret FROM ${secrets} WHERE owner = $1`, [owner]);
              if (r.rows.length !== 1 || r.rows[0].secret !== `secret-of-${owner}`) wrong++;
            }
          } catch {
            errors++;
          }
        }),
      );
    }
    const { rows } = await pool.query<{ n: number }>(`SELECT n FROM ${counter} WHERE id = 1`);
    expect({ wrong, errors, updates: rows[0].n }).toEqual({ wrong: 0, errors: 0, updates: 30 * 4 });
  });
});
