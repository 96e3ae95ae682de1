import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist/src/cli.js');

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI to completion, as an operator would from a shell. Asynchronous on purpose: when
 * Jest runs in band, the embedded test database lives in this very process and must keep serving.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export interface Server {
  child: ChildProcess;
  output(): string;
  /** SIGTERM to the whole group, then wait until every process in it has exited. */
  stop(): Promise<void>;
}

/** Starts a long-running command in its own process group so stop() ends npm and node alike. */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Server {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const groupAlive = () => {
    try {
      process.kill(-(child.pid as number), 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    child,
    output: () => out,
    stop: async () => {
      if (!child.pid || !groupAlive()) return;
      process.kill(-child.pid, 'SIGTERM');
      await waitFor(() => Promise.resolve(groupAlive() ? undefined : true), 30_000, 'the server to shut down');
    },
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The environment a fresh machine would have: nothing of ours set unless the test sets it. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'DATABASE_URL',
    'REDIS_URL',
    'SECRET_KEY',
    'DATA_DIR',
    'PORT',
    'PUBLIC_URL',
    'POSTERN_ADMIN_EMAIL',
    'POSTERN_ADMIN_PASSWORD',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}
