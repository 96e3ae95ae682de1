import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from '../src/config/app-config';
import { isServerKind, SERVER_KINDS, type ServerKind } from './ipc';
import { type Generator, GENERATORS } from './load';
import { wrkAvailable } from './load-wrk';

export interface BenchOptions {
  /** Seconds of measured load per server per round. */
  duration: number;
  /** Seconds of unmeasured load per server before the first round. */
  warmup: number;
  rounds: number;
  connections: number;
  servers: ServerKind[];
  /** LOG_LEVEL of the Postern servers; `silent` leaves the per-request log line out of the figures. */
  logLevel: LogLevel;
  /** The load generator: wrk when installed, else autocannon. */
  load: Generator;
  /** Directory for a V8 CPU profile of each server child (`node --cpu-prof`), written when it stops. */
  profileDir?: string;
}

export const USAGE = `npm run bench -- [--duration 5] [--warmup 3] [--rounds 6] [--connections 16]
                    [--servers ${SERVER_KINDS.join(',')}] [--log-level silent] [--profile DIR]
                    [--load wrk|autocannon]   (default: wrk when on PATH, else autocannon)`;

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

function bounded(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max}, got ${raw}`);
  }
  return value;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '6' },
      connections: { type: 'string', default: '16' },
      servers: { type: 'string', default: SERVER_KINDS.join(',') },
      'log-level': { type: 'string', default: 'silent' },
      profile: { type: 'string' },
      load: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const servers = values.servers.split(',').map((s) => s.trim());
  const unknown = servers.filter((s) => !isServerKind(s));
  if (unknown.length || !servers.length) {
    throw new Error(
      `--servers takes a comma-separated subset of ${SERVER_KINDS.join(', ')}; unknown: ${unknown.join(', ')}`,
    );
  }
  const logLevel = values['log-level'];
  if (!isLogLevel(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const hasWrk = wrkAvailable();
  const load = values.load ?? (hasWrk ? 'wrk' : 'autocannon');
  if (!(GENERATORS as readonly string[]).includes(load))
    throw new Error(`--load must be one of ${GENERATORS.join(', ')}`);
  if (load === 'wrk' && !hasWrk) throw new Error('--load wrk: no wrk on PATH (Debian: apt-get install wrk)');
  return {
    load: load as Generator,
    duration: bounded('duration', values.duration, 1, 120),
    warmup: bounded('warmup', values.warmup, 0, 60),
    rounds: bounded('rounds', values.rounds, 1, 60),
    connections: bounded('connections', values.connections, 1, 256),
    servers: SERVER_KINDS.filter((k) => servers.includes(k)),
    logLevel,
    profileDir: values.profile ? path.resolve(values.profile) : undefined,
  };
}
