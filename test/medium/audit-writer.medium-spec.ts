import { getDataSourceToken } from '@nestjs/typeorm';
import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AUDIT_FIELD_COLUMNS, type AuditFields } from '../../src/audit/audit-record';
import { AuditVerifier } from '../../src/audit/audit-verifier.service';
import { AuditWriter } from '../../src/audit/audit-writer.service';
import { APP_CONFIG, type AppConfig } from '../../src/config/config.types';
import { buildWorkspace } from '../factories';
import { waitersBehind } from '../support/lock-waiters';
import { startServiceContext } from '../support/service-context';

/**
 * Several instances append to one workspace's chain at once: each keeps its own idea of the head
 * and appends with one statement while that idea holds. Every write must land, in one unbroken chain.
 */
describe(AuditWriter.name, () => {
  let app: TestingModule;
  let dataSource: DataSource;
  let writers: AuditWriter[];

  beforeAll(async () => {
    app = await startServiceContext({ poolSize: 6 });
    dataSource = app.get<DataSource>(getDataSourceToken());
    const config = app.get<AppConfig>(APP_CONFIG);
    // The app's writer and two more: three instances of one deployment.
    writers = [app.get(AuditWriter), new AuditWriter(dataSource, config), new AuditWriter(dataSource, config)];
  });
  afterAll(async () => {
    await app?.close();
  });

  const fields = (workspaceId: string | null, n: number): AuditFields => ({
    occurred_at: new Date().toISOString(),
    correlation_id: `writer-test-${n}`,
    surface: 'mcp',
    actor_kind: 'api_key',
    user_id: null,
    client_id: null,
    key_id: randomUUID(),
    workspace_id: workspaceId,
    operation: `mcp tools/call probe_${n}`,
    scopes_required: ['workspace:read'],
    scopes_presented: ['posts:read', 'workspace:read'],
    decision: 'allowed',
    reason: n % 3 ? null : 'a reason with "quotes", commas, and {braces}',
    approval_id: null,
    idempotency_key: null,
    args_digest: null,
    args_preview: null,
    outcome: 'ok',
    error_code: null,
    duration_ms: n,
  });
  const countOf = async (workspaceId: string) => {
    const [row] = await dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM audit_records WHERE workspace_id = $1',
      [workspaceId],
    );
    return row.n;
  };

  it('lands every record of instances writing one chain at once, with changes committing their own records in between', async () => {
    const workspace = await buildWorkspace(app);
    const other = await buildWorkspace(app);
    const before = { one: await countOf(workspace.id), other: await countOf(other.id) };
    let n = 0;
    for (let round = 0; round < 8; round++) {
      const writes: Promise<void>[] = [];
      for (const writer of writers) {
        for (let i = 0; i < 4; i++) writes.push(writer.write(fields(workspace.id, n++)));
        writes.push(writer.write(fields(other.id, n++)));
      }
      // An audited change on the same chain, as a use case writes it inside its own transaction.
      writes.push(dataSource.transaction((m) => writers[round % writers.length].writeIn(m, fields(workspace.id, n++))));
      await Promise.all(writes);
    }

    expect(await countOf(workspace.id)).toBe(before.one + 8 * (writers.length * 4 + 1));
    expect(await countOf(other.id)).toBe(before.other + 8 * writers.length);
    const verifier = app.get(AuditVerifier);
    for (const chain of [workspace.id, other.id])
      await expect(verifier.verify(chain)).resolves.toEqual({
        chains: 1,
        records: expect.any(Number),
        heads: [{ chain, seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) }],
      });
  });

  it('stores exactly the fields it hashed, so the chain verifies after a round trip through the database', async () => {
    const workspace = await buildWorkspace(app);
    const written = { ...fields(workspace.id, 1), reason: 'é ☃ \\ "quoted" \n line', scopes_presented: [] };
    await writers[1].write(written);
    await writers[1].write(fields(workspace.id, 2));

    const [row] = await dataSource.query<Record<string, unknown>[]>(
      `SELECT reason, scopes_presented, scopes_required, duration_ms, occurred_at FROM audit_records
        WHERE workspace_id = $1 AND correlation_id = 'writer-test-1'`,
      [workspace.id],
    );
    expect(row).toEqual({
      reason: written.reason,
      scopes_presented: [],
      scopes_required: ['workspace:read'],
      duration_ms: 1,
      occurred_at: new Date(written.occurred_at),
    });
    await expect(app.get(AuditVerifier).verify(workspace.id)).resolves.toMatchObject({
      chains: 1,
      records: expect.any(Number),
    });
    expect((await app.get(AuditVerifier).verify(workspace.id)).broken).toBeUndefined();
  });

  /** Tamperings after which a chain cannot be appended to, each with how to undo it. */
  const TAMPERINGS: [string, (chain: string) => Promise<() => Promise<unknown>>][] = [
    [
      'its head wound back one record',
      async (chain) => {
        const [head] = await dataSource.query<{ seq: string; hash: string }[]>(
          'SELECT seq, hash FROM audit_chain_heads WHERE chain = $1',
          [chain],
        );
        await dataSource.query(
          `UPDATE audit_chain_heads h SET seq = r.seq - 1, hash = r.prev_hash
             FROM audit_records r WHERE h.chain = $1 AND r.chain = h.chain AND r.seq = h.seq`,
          [chain],
        );
        return () =>
          dataSource.query('UPDATE audit_chain_heads SET seq = $2, hash = $3 WHERE chain = $1', [
            chain,
            head.seq,
            head.hash,
          ]);
      },
    ],
    [
      'a record inserted past its head',
      async (chain) => {
        const columns = AUDIT_FIELD_COLUMNS.join(', ');
        const [{ id }] = await dataSource.query<{ id: string }[]>(
          `INSERT INTO audit_records (chain, seq, prev_hash, hash, ${columns})
           SELECT r.chain, r.seq + 1, r.hash, r.hash, ${AUDIT_FIELD_COLUMNS.map((c) => `r.${c}`).join(', ')}
             FROM audit_records r JOIN audit_chain_heads h ON h.chain = r.chain AND h.seq = r.seq
            WHERE r.chain = $1 RETURNING id`,
          [chain],
        );
        return () => dataSource.query('DELETE FROM audit_records WHERE id = $1', [id]);
      },
    ],
  ];

  it.each(TAMPERINGS)(
    'fails only the callers of a chain with %s, and answers the others of the same batch',
    async (_what, tamper) => {
      const broken = await buildWorkspace(app);
      const healthy = await buildWorkspace(app);
      const config = app.get<AppConfig>(APP_CONFIG);
      const known = new AuditWriter(dataSource, config);
      await Promise.all([known.write(fields(broken.id, 1)), known.write(fields(healthy.id, 2))]);
      const before = await countOf(healthy.id);
      const undo = await tamper(broken.id);
      try {
        const batch = (writer: AuditWriter, n: number) =>
          Promise.allSettled([writer.write(fields(broken.id, n)), writer.write(fields(healthy.id, n + 1))]);
        // An instance that knows both heads appends both in one statement first; one that knows
        // neither locks both in one transaction. Either way the broken chain fails alone.
        for (const [writer, n] of [
          [known, 3],
          [new AuditWriter(dataSource, config), 5],
        ] as const) {
          const [forBroken, forHealthy] = await batch(writer, n);
          expect([n, forBroken.status, forHealthy.status]).toEqual([n, 'rejected', 'fulfilled']);
        }
      } finally {
        await undo();
      }
      expect(await countOf(healthy.id)).toBe(before + 2);
      const verifier = app.get(AuditVerifier);
      for (const chain of [healthy.id, broken.id]) expect((await verifier.verify(chain)).broken).toBeUndefined();
    },
  );

  // PGlite is a single backend: two of its transactions cannot hold locks against each other.
  (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
    'locks the chain heads of one append in sorted order, as the locking path does, so writers cannot deadlock',
    async () => {
      const [first, last] = [(await buildWorkspace(app)).id, (await buildWorkspace(app)).id].sort();
      // Heads exist, the later-sorted one created first: an append that locks in storage order or in
      // the order it was given would take it first.
      await writers[0].write(fields(last, 1));
      await writers[0].write(fields(first, 2));
      const holder = dataSource.createQueryRunner();
      const appender = dataSource.createQueryRunner();
      try {
        await holder.startTransaction();
        const [{ pid: holderPid }] = (await holder.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
        await holder.query('SELECT 1 FROM audit_chain_heads WHERE chain = $1 FOR UPDATE', [last]);
        await appender.startTransaction();
        const heads: { chain: string; seq: string; hash: string }[] = await appender.query(
          'SELECT chain, seq, hash FROM audit_chain_heads WHERE chain = ANY($1) ORDER BY chain DESC',
          [[first, last]],
        );
        // Given in descending order; it must block on `last` already holding `first`.
        const appending = appender.query('SELECT audit_append($1, $2, $3, $4, $5, $6)', [
          heads.map((h) => h.chain),
          heads.map((h) => Number(h.seq) + 1),
          heads.map(() => 'f'.repeat(64)),
          heads.map((h) => Number(h.seq)),
          heads.map((h) => h.hash),
          '[]',
        ]);
        // This appender, by its backend: other files' appends queue on locks in the cluster too.
        await waitersBehind(dataSource, holderPid, 1);
        await expect(
          holder.query('SELECT 1 FROM audit_chain_heads WHERE chain = $1 FOR UPDATE NOWAIT', [first]),
        ).rejects.toThrow(/could not obtain lock/);
        await holder.rollbackTransaction();
        await appending;
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        if (appender.isTransactionActive) await appender.rollbackTransaction();
        await holder.release();
        await appender.release();
      }
    },
  );
  // PGlite is a single backend: two of its transactions cannot hold locks against each other.
  (process.env.POSTERN_TEST_EMBEDDED ? it.skip : it)(
    'appends while another transaction holds its workspace row: records take no lock on workspaces',
    async () => {
      const workspace = await buildWorkspace(app);
      await writers[0].write(fields(workspace.id, 1));
      const before = await countOf(workspace.id);
      const holder = dataSource.createQueryRunner();
      try {
        await holder.startTransaction();
        await holder.query('SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE', [workspace.id]);
        // A foreign key onto workspaces would make the insert wait for this lock (key share).
        const written = writers[0].write(fields(workspace.id, 2)).then(() => 'written');
        const waited = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 5000).unref());
        await expect(Promise.race([written, waited])).resolves.toBe('written');
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        await holder.release();
      }
      expect(await countOf(workspace.id)).toBe(before + 1);
    },
  );
});
