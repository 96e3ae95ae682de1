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
  /** process.cpuUsage() of the child, user + system, in microseconds. */
  | { type: 'cpu'; micros: number }
  | { type: 'audit-rows'; rows: number | null }
  | { type: 'failed'; message: string };

/** Embedded database child → parent. */
export type DbMessage = { type: 'ready'; url: string } | { type: 'rss'; rss: number } | { type: 'cpu'; micros: number };

export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
