import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { DbMessage, ServerCommand, ServerKind, ServerMessage } from './ipc';

const START_TIMEOUT_MS = 60_000;
const ASK_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;

/** Waits for the first IPC message of `type` from `child`, or fails after `ms`. */
function nextMessage<M extends { type: string }, T extends M['type']>(
  child: ChildProcess,
  type: T,
  ms: number,
  what: string,
  stderr: () => string,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      fn();
    };
    const onMessage = (msg: M | { type: 'failed'; message: string }) => {
      if (msg.type === 'failed')
        done(() => reject(new Error(`${what} failed: ${(msg as { message: string }).message}`)));
      else if (msg.type === type) done(() => resolve(msg as Extract<M, { type: T }>));
    };
    const onExit = (code: number | null) =>
      done(() => reject(new Error(`${what}: the child exited (${code}) ${stderr().slice(-2000)}`)));
    const timer = setTimeout(
      () => done(() => reject(new Error(`${what}: no answer in ${ms} ms ${stderr().slice(-2000)}`))),
      ms,
    );
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function spawnChild(script: string, args: string[], env: NodeJS.ProcessEnv, profileDir?: string) {
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${args[0] ?? script}.cpuprofile`]
    : [];
  const child = fork(path.join(__dirname, script), args, {
    env,
    execArgv: ['--enable-source-maps', ...profile],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  return { child, stderr: () => stderr };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** A server under test in a process of its own, so its RSS is its own. */
export class ServerChild {
  private constructor(
    readonly kind: ServerKind,
    readonly port: number,
    readonly token: string | undefined,
    private readonly child: ChildProcess,
    private readonly stderr: () => string,
  ) {}

  static async start(kind: ServerKind, env: NodeJS.ProcessEnv, profileDir?: string): Promise<ServerChild> {
    const { child, stderr } = spawnChild('bench-server.js', [kind], env, profileDir);
    try {
      const ready = await nextMessage<ServerMessage, 'ready'>(child, 'ready', START_TIMEOUT_MS, kind, stderr);
      return new ServerChild(kind, ready.port, ready.token, child, stderr);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  async rss(): Promise<number> {
    this.child.send({ type: 'rss' } satisfies ServerCommand);
    return (await nextMessage<ServerMessage, 'rss'>(this.child, 'rss', ASK_TIMEOUT_MS, this.kind, this.stderr)).rss;
  }

  /** The whole process's CPU, and its main thread's where the platform tells. */
  async cpuMicros(): Promise<{ all: number; main?: number; mainWait?: number }> {
    this.child.send({ type: 'cpu' } satisfies ServerCommand);
    const msg = await nextMessage<ServerMessage, 'cpu'>(this.child, 'cpu', ASK_TIMEOUT_MS, this.kind, this.stderr);
    return { all: msg.micros, main: msg.main, mainWait: msg.mainWait };
  }

  async auditRows(): Promise<number | null> {
    this.child.send({ type: 'audit-rows' } satisfies ServerCommand);
    const msg = await nextMessage<ServerMessage, 'audit-rows'>(
      this.child,
      'audit-rows',
      ASK_TIMEOUT_MS,
      this.kind,
      this.stderr,
    );
    return msg.rows;
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

/** The suite's embedded PostgreSQL (in-memory PGlite), in a process of its own. */
export class DbChild {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly stderr: () => string,
  ) {}

  static async start(): Promise<DbChild> {
    const { child, stderr } = spawnChild('embedded-db.js', [], process.env);
    try {
      const ready = await nextMessage<DbMessage, 'ready'>(child, 'ready', START_TIMEOUT_MS, 'embedded db', stderr);
      return new DbChild(ready.url, child, stderr);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  async rss(): Promise<number> {
    this.child.send({ type: 'rss' });
    return (await nextMessage<DbMessage, 'rss'>(this.child, 'rss', ASK_TIMEOUT_MS, 'embedded db', this.stderr)).rss;
  }

  async cpuMicros(): Promise<number> {
    this.child.send({ type: 'cpu' });
    return (await nextMessage<DbMessage, 'cpu'>(this.child, 'cpu', ASK_TIMEOUT_MS, 'embedded db', this.stderr)).micros;
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
