import { readFileSync } from 'node:fs';

/** The five servers the benchmark compares; each runs in a child process of its own. */
export const SERVER_KINDS = ['full', 'full-audit-off', 'framework', 'sdk-stateless', 'sdk-stateful'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export function isServerKind(value: string): value is ServerKind {
  return (SERVER_KINDS as readonly string[]).includes(value);
}

/** Parent → server child. */
export type ServerCommand = { type: 'rss' } | { type: 'cpu' } | { type: 'audit-rows' } | { type: 'stop' };

/** Server child → parent. */
export type ServerMessage =
  | { type: 'ready'; port: number; token?: string }
  | { type: 'rss'; rss: number }
  /** process.cpuUsage() of the child, user + system, in microseconds; `main`: its main thread's alone, where known. */
  | { type: 'cpu'; micros: number; main?: number }
  | { type: 'audit-rows'; rows: number | null }
  | { type: 'failed'; message: string };

/** Embedded database child → parent. */
export type DbMessage = { type: 'ready'; url: string } | { type: 'rss'; rss: number } | { type: 'cpu'; micros: number };

export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Clock ticks per second of /proc's CPU times: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/**
 * CPU time of this process's main thread (the event loop), in microseconds, from Linux's
 * /proc/self/task/<pid>/stat; undefined elsewhere. cpuMicros also counts GC and libuv threads, and
 * the event loop is what limits a Node server's throughput.
 */
export function mainThreadCpuMicros(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
