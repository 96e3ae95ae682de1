import 'reflect-metadata';
import {
  cpuMicros,
  isServerKind,
  mainThreadCpuMicros,
  mainThreadWaitMicros,
  type ServerCommand,
  type ServerKind,
  type ServerMessage,
} from './ipc';
import { startFrameworkAnchor } from './servers/framework-anchor';
import { startFrameworkCommit } from './servers/framework-commit';
import { startFullPath } from './servers/full-path';
import type { RunningServer } from './servers/running-server';
import { startSdkStateful, startSdkStateless } from './servers/sdk-anchors';
import { isLogLevel } from './options';

/**
 * Child process entry: builds one server, listens on 127.0.0.1, reports its port over IPC and
 * answers the parent's requests for its RSS and audit row count until told to stop.
 */
function start(kind: ServerKind): Promise<RunningServer> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? '';
  const secretKey = process.env.BENCH_SECRET_KEY ?? '';
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'silent';
  if (!isLogLevel(logLevel)) throw new Error(`bad log level ${logLevel}`);
  switch (kind) {
    case 'full':
      return startFullPath({ databaseUrl, secretKey, logLevel, auditWrites: true });
    case 'full-audit-off':
      return startFullPath({ databaseUrl, secretKey, logLevel, auditWrites: false });
    case 'framework':
      return startFrameworkAnchor();
    case 'framework-commit':
      return startFrameworkCommit(databaseUrl);
    case 'sdk-stateless':
      return startSdkStateless();
    case 'sdk-stateful':
      return startSdkStateful();
  }
}

function send(msg: ServerMessage): void {
  process.send?.(msg);
}

async function main(): Promise<void> {
  const kind = process.argv[2] ?? '';
  if (!isServerKind(kind)) throw new Error(`unknown server kind: ${kind}`);
  const server = await start(kind);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Bounded: a server that will not close is not worth waiting for.
    const timer = setTimeout(() => process.exit(0), 10_000);
    await server.close().catch(() => undefined);
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('message', (msg: ServerCommand) => {
    if (msg.type === 'stop') void stop();
    if (msg.type === 'rss') send({ type: 'rss', rss: process.memoryUsage().rss });
    if (msg.type === 'cpu')
      send({ type: 'cpu', micros: cpuMicros(), main: mainThreadCpuMicros(), mainWait: mainThreadWaitMicros() });
    if (msg.type === 'audit-rows') {
      const count = server.auditRows?.() ?? Promise.resolve(null);
      count.then(
        (rows) => send({ type: 'audit-rows', rows }),
        () => send({ type: 'audit-rows', rows: null }),
      );
    }
  });
  process.on('disconnect', () => void stop());
  send({ type: 'ready', port: server.port, token: server.token });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: (err as Error).stack ?? String(err) });
  process.exit(1);
});
