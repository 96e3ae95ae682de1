import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepExtendedQueriesTogether } from '../src/database/pglite-socket-ordering';
import { cpuMicros, type DbMessage } from './ipc';

/**
 * The suite's embedded PostgreSQL (an in-memory PGlite behind its wire-protocol socket), in a process
 * of its own: PGlite runs queries synchronously in WASM, so sharing an event loop with the load
 * generator or a server under test would distort both.
 */
async function main(): Promise<void> {
  const db = await PGlite.create({ dataDir: 'memory://' });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  // Same ordering fix the server applies (see src/database/pglite-socket-ordering.ts).
  keepExtendedQueriesTogether(server);
  await server.start();
  const stop = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('message', (msg: { type?: string }) => {
    if (msg.type === 'stop') void stop();
    if (msg.type === 'rss') send({ type: 'rss', rss: process.memoryUsage().rss });
    if (msg.type === 'cpu') send({ type: 'cpu', micros: cpuMicros() });
  });
  // The parent died without saying goodbye: do not outlive it.
  process.on('disconnect', () => void stop());
  send({ type: 'ready', url: `postgres://postgres:postgres@${server.getServerConn()}/postgres` });
}

function send(msg: DbMessage): void {
  process.send?.(msg);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
