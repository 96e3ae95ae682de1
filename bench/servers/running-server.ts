/** What a server child hands back once it listens on loopback. */
export interface RunningServer {
  port: number;
  /** Bearer token the load must send (the full path only). */
  token?: string;
  /** Audit rows written for the benchmark's workspace so far (the full path only). */
  auditRows?: () => Promise<number>;
  close(): Promise<void>;
}

export function portOf(server: { address(): unknown }): number {
  const address = server.address();
  if (!address || typeof address !== 'object' || !('port' in address)) throw new Error('server is not listening');
  return Number(address.port);
}
