import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { keepExtendedQueriesTogether } from './pglite-socket-ordering';

/** Written next to the data directory while an instance serves it, so the CLI can reach it. */
export interface EmbeddedInstanceRecord {
  pid: number;
  port: number;
  startedAt: string;
}

// Enough for the server's pool, a CLI beside it and a health probe; PGlite serialises them anyway.
const MAX_CONNECTIONS = 32;

export function instanceRecordPath(dataDir: string): string {
  return path.join(dataDir, 'embedded-postgres.json');
}

export function embeddedUrl(port: number): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The instance currently serving `dataDir`, if one is alive; removes a stale record. */
export async function findRunningInstance(dataDir: string): Promise<EmbeddedInstanceRecord | undefined> {
  const file = instanceRecordPath(dataDir);
  let record: EmbeddedInstanceRecord;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as EmbeddedInstanceRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file} is unreadable; if no Postern is running on this DATA_DIR, delete it`, { cause: err });
  }
  if (processAlive(record.pid) && (await portOpen(record.port))) return record;
  fs.rmSync(file, { force: true });
  return undefined;
}

/**
 * PostgreSQL (PGlite, compiled to WASM) persisted in DATA_DIR/pgdata and served over the wire
 * protocol on loopback, so the ordinary `pg` driver and TypeORM use it exactly like a server.
 * Only one process may open the data directory; others connect through the recorded port.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly recordFile: string,
    readonly port: number,
  ) {}

  get url(): string {
    return embeddedUrl(this.port);
  }

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const running = await findRunningInstance(dataDir);
    if (running) {
      throw new Error(
        `another Postern process (pid ${running.pid}) is serving ${dataDir}; stop it or point DATA_DIR elsewhere`,
      );
    }
    const recordFile = instanceRecordPath(dataDir);
    // Claim the directory before opening it: a second process racing us fails here, not inside PGlite.
    const fd = fs.openSync(recordFile, 'wx', 0o600);
    try {
      const db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS });
      keepExtendedQueriesTogether(server);
      await server.start();
      const port = Number(server.getServerConn().split(':').pop());
      const record: EmbeddedInstanceRecord = { pid: process.pid, port, startedAt: new Date().toISOString() };
      fs.writeSync(fd, JSON.stringify(record));
      fs.closeSync(fd);
      return new EmbeddedPostgres(db, server, recordFile, port);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(recordFile, { force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    fs.rmSync(this.recordFile, { force: true });
  }
}
