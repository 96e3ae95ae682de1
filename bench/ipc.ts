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
  | { type: 'cpu'; micros: number; main?: number; mainWait?: number }
  | { type: 'audit-rows'; rows: number | null }
  | { type: 'failed'; message: string };

/** Embedded database child → parent. */
export type DbMessage = { type: 'ready'; url: string } | { type: 'rss'; rss: number } | { type: 'cpu'; micros: number };

export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * CPU time of this process's ended and reaped children (wrk runs), user + system, in microseconds,
 * from /proc/self/stat (cutime, cstime); 0 where there is no /proc.
 */
export function childrenCpuMicros(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1_000_000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
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

/**
 * Time this process's main thread spent ready to run but waiting for a CPU, in microseconds, from
 * Linux's /proc/self/task/<pid>/schedstat (needs schedstats in the kernel); undefined elsewhere.
 * Tells a server slowed by other processes on its cores from one whose event loop waits on I/O.
 */
export function mainThreadWaitMicros(): number | undefined {
  try {
    const [, waitNs] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').trim().split(' ');
    const micros = Number(waitNs) / 1000;
    return Number.isFinite(micros) ? micros : undefined;
  } catch {
    return undefined;
  }
}
