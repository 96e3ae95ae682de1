import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { runMigrations } from '../src/bootstrap';
import { DbChild, ServerChild } from './children';
import { childrenCpuMicros, cpuMicros, localPostgresCpuMicros, type ServerKind } from './ipc';
import { mcpHeaders, mcpResultCheck, probe, runLoad, type Target, toolCall } from './load';
import { type BenchOptions, parseOptions, USAGE } from './options';
import { LABELS, report, type ServerResult } from './report';

/**
 * Postern's MCP benchmark. Five servers, each in its own child process, measured in one run and
 * interleaved: the full path (list_workspaces through the guards and the audit trail, stateless),
 * the same with audit writes discarded, the mcp-nest framework anchor and the official SDK's
 * stateless and stateful anchors. Only ever talks to 127.0.0.1.
 */

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Opens the one session the stateful anchor's load reuses: initialize, then notifications/initialized. */
async function openSession(port: number): Promise<string> {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: mcpHeaders(headers),
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  const init = await post({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'postern-bench', version: '1.0.0' },
    },
  });
  const sessionId = init.headers.get('mcp-session-id');
  await init.text();
  if (init.status !== 200 || !sessionId) throw new Error(`sdk-stateful: initialize answered ${init.status}`);
  const initialized = await post(
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { 'mcp-session-id': sessionId },
  );
  await initialized.text();
  if (initialized.status !== 202)
    throw new Error(`sdk-stateful: notifications/initialized answered ${initialized.status}`);
  return sessionId;
}

const pong = (content: unknown) => (content as { pong?: unknown } | undefined)?.pong === true;
const oneWorkspace = (content: unknown) => {
  const items = (content as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) && items.length === 1;
};

async function targetFor(server: ServerChild): Promise<Target> {
  const base = { kind: server.kind, port: server.port };
  switch (server.kind) {
    case 'full':
    case 'full-audit-off':
      return {
        ...base,
        headers: mcpHeaders({ authorization: `Bearer ${server.token ?? ''}` }),
        body: toolCall('list_workspaces'),
        check: mcpResultCheck(oneWorkspace),
      };
    case 'sdk-stateful':
      return {
        ...base,
        headers: mcpHeaders({ 'mcp-session-id': await openSession(server.port) }),
        body: toolCall('ping'),
        check: mcpResultCheck(pong),
      };
    default:
      return { ...base, headers: mcpHeaders(), body: toolCall('ping'), check: mcpResultCheck(pong) };
  }
}

/** Servers whose committed rows are counted: one per response, or none for the discarding variant. */
const COMMITS_ROWS: ServerKind[] = ['full', 'full-audit-off', 'framework-commit'];

/** A DATABASE_URL naming this machine, whose PostgreSQL's CPU time /proc can show. */
function databaseOnThisMachine(): boolean {
  const url = process.env.DATABASE_URL ?? '';
  return /@(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url) || /[?&]host=\//.test(url);
}

/** One measured run, with the CPU each process spent on it: robust where rps depends on what else the machine runs. */
async function measure(target: Target, server: ServerChild, db: DbChild | undefined, options: BenchOptions) {
  const loadCpu = () => cpuMicros() + childrenCpuMicros();
  const dbCpu = async () => (db ? db.cpuMicros() : databaseOnThisMachine() ? localPostgresCpuMicros() : undefined);
  const before = { server: await server.cpuMicros(), db: await dbCpu(), load: loadCpu() };
  const sample = await runLoad(target, options.duration, options.connections, options.load);
  const perRequest = (micros: number) => (sample.requests ? micros / 1000 / sample.requests : NaN);
  sample.loadCpuMs = perRequest(loadCpu() - before.load);
  const after = await server.cpuMicros();
  sample.serverCpuMs = perRequest(after.all - before.server.all);
  if (after.main !== undefined && before.server.main !== undefined)
    sample.serverMainCpuMs = perRequest(after.main - before.server.main);
  if (after.mainWait !== undefined && before.server.mainWait !== undefined)
    sample.serverMainWaitMs = perRequest(after.mainWait - before.server.mainWait);
  const dbAfter = await dbCpu();
  if (before.db !== undefined && dbAfter !== undefined) sample.dbCpuMs = perRequest(dbAfter - before.db);
  return sample;
}

async function bench(options: BenchOptions, children: { db?: DbChild; servers: ServerChild[] }): Promise<boolean> {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    children.db = await DbChild.start();
    databaseUrl = children.db.url;
  }
  await runMigrations(databaseUrl);
  const env = {
    ...process.env,
    BENCH_DATABASE_URL: databaseUrl,
    BENCH_SECRET_KEY: randomBytes(32).toString('base64url'),
    BENCH_LOG_LEVEL: options.logLevel,
  };
  for (const kind of options.servers) {
    log(`starting ${kind}`);
    children.servers.push(await ServerChild.start(kind, env, options.profileDir));
  }
  const targets = new Map<ServerKind, Target>();
  for (const server of children.servers) {
    const target = await targetFor(server);
    target.expected = await probe(target);
    targets.set(server.kind, target);
  }
  if (options.warmup) {
    for (const target of targets.values()) {
      log(`warm-up ${target.kind} (${options.warmup} s)`);
      await runLoad(target, options.warmup, options.connections, options.load);
    }
  }

  const results = new Map<ServerKind, ServerResult>(options.servers.map((k) => [k, { kind: k, samples: [] }]));
  const auditBefore = new Map<ServerKind, number | null>();
  for (const server of children.servers) {
    if (COMMITS_ROWS.includes(server.kind)) auditBefore.set(server.kind, await server.auditRows());
  }
  for (let round = 0; round < options.rounds; round++) {
    // Rotate the order each round, so no server always runs first, last, or after the same neighbour.
    const order = options.servers.map((_, i) => options.servers[(i + round) % options.servers.length]);
    for (const kind of order) {
      const server = children.servers.find((s) => s.kind === kind) as ServerChild;
      const sample = await measure(targets.get(kind) as Target, server, children.db, options);
      results.get(kind)?.samples.push(sample);
      log(
        `round ${round + 1}/${options.rounds} ${kind.padEnd(14)} ${sample.rps.toFixed(0).padStart(6)} rps  ` +
          `p50 ${sample.p50} ms  p99 ${sample.p99} ms  errors ${sample.errors}  ` +
          `CPU ms/req: server ${sample.serverCpuMs?.toFixed(2)} (main thread ${sample.serverMainCpuMs?.toFixed(2) ?? '–'}, ` +
          `waiting for a CPU ${sample.serverMainWaitMs?.toFixed(2) ?? '–'})` +
          `${sample.dbCpuMs === undefined ? '' : `, db ${sample.dbCpuMs.toFixed(2)}`}, load ${sample.loadCpuMs?.toFixed(2)}`,
      );
    }
  }
  for (const server of children.servers) {
    const result = results.get(server.kind) as ServerResult;
    result.rssBytes = await server.rss();
    if (COMMITS_ROWS.includes(server.kind)) {
      const after = await server.auditRows();
      const before = auditBefore.get(server.kind);
      result.auditRows = {
        written: after === null || before === null || before === undefined ? null : after - before,
        responses: result.samples.reduce((n, s) => n + s.requests, 0),
      };
    }
  }

  const cpus = os.cpus();
  const db = children.db ? 'embedded PGlite (in-memory, own process)' : 'DATABASE_URL';
  const dbRss = children.db ? ` (database process RSS ${((await children.db.rss()) / 2 ** 20).toFixed(0)} MB)` : '';
  const verdict = report([...results.values()], options.connections, options.warmup > 0);
  const out = [
    `Postern MCP benchmark — ${new Date().toISOString()}`,
    `node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? '?'}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `${options.connections} connections, ${options.rounds} rounds × ${options.duration} s per server (interleaved), ` +
      `${options.warmup} s warm-up; medians over rounds; load: ${options.load}; database: ${db}${dbRss}; ` +
      `Postern LOG_LEVEL=${options.logLevel}`,
    '',
    verdict.text,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return !verdict.failed;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(
      `${USAGE}\n\nServers: ${Object.entries(LABELS)
        .map(([k, v]) => `\n  ${k.padEnd(15)} ${v}`)
        .join('')}\n`,
    );
    return;
  }
  const children: { db?: DbChild; servers: ServerChild[] } = { servers: [] };
  const cleanup = async () => {
    await Promise.all(children.servers.map((s) => s.stop()));
    await children.db?.stop();
  };
  // Every run is bounded: the planned load, plus generous start-up and shutdown time.
  const plannedSeconds = options.servers.length * (options.warmup + options.rounds * options.duration);
  const watchdog = setTimeout(
    () => {
      log(`benchmark overran its ${plannedSeconds} s plan by more than 5 minutes; stopping`);
      void cleanup().finally(() => process.exit(2));
    },
    (plannedSeconds + 300) * 1000,
  );
  try {
    const met = await bench(options, children);
    // Figures are reported either way; a missed target is not a harness failure.
    if (!met) log('one or more targets missed');
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().catch((err: unknown) => {
  log((err as Error).stack ?? String(err));
  process.exit(1);
});
