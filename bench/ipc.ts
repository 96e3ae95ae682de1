import { readdirSync, readFileSync } from 'node:fs';

/** The servers the benchmark compares; each runs in a child process of its own. */
export const SERVER_KINDS = [
  'full',
  'full-audit-off',
  'framework',
  'framework-commit',
  'sdk-stateless',
  'sdk-stateful',
] as const;
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

/** Clock ticks per second of /proc's CPU times: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/**
 * The sum of CPU-time fields of a /proc stat file, in microseconds; undefined where there is no
 * such file. Fields are numbered as in proc(5): utime 14, stime 15, cutime 16, cstime 17.
 */
function procCpuMicros(file: string, ...numbers: number[]): number | undefined {
  try {
    const stat = readFileSync(file, 'utf8');
    // Fields after the command name (field 2), which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = numbers.reduce((sum, n) => sum + Number(fields[n - 3]), 0);
    return (ticks * 1_000_000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** CPU time of this process's ended and reaped children (wrk runs), user + system, in microseconds; 0 without /proc. */
export function childrenCpuMicros(): number {
  return procCpuMicros('/proc/self/stat', 16, 17) ?? 0;
}

/**
 * CPU time of this process's main thread (the event loop), in microseconds, from Linux's
 * /proc/self/task/<pid>/stat; undefined elsewhere. cpuMicros also counts GC and libuv threads, and
 * the event loop is what limits a Node server's throughput.
 */
export function mainThreadCpuMicros(): number | undefined {
  return procCpuMicros(`/proc/self/task/${process.pid}/stat`, 14, 15);
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

/**
 * CPU time of every PostgreSQL process on this machine (server processes, and through the
 * postmaster's reaped-children times those that ended), in microseconds; undefined without /proc
 * or without such a process. For a DATABASE_URL on this machine: its share of the two cores.
 */
export function localPostgresCpuMicros(): number | undefined {
  let total: number | undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm !== 'postgres') continue;
    // Its own time, and that of its children it reaped (backends that ended).
    const micros = procCpuMicros(`/proc/${pid}/stat`, 14, 15, 16, 17);
    if (micros !== undefined) total = (total ?? 0) + micros;
  }
  return total;
}
