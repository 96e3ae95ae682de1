import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** One request the server received, as the fetcher under test sent it. */
export interface SeenRequest {
  path: string;
  host?: string;
  servername?: string;
  acceptEncoding?: string;
}

export interface HttpsTestServer {
  /** Handlers by request path (with query); any other path answers 404. Cleared after each test. */
  readonly routes: Map<string, Handler>;
  /** Every request received, in order. Cleared after each test. */
  readonly seen: SeenRequest[];
  readonly port: number;
  /** The certificate (PEM) the server presents, for the client to trust. */
  readonly cert: string;
  /** `https://<host>:<port>`, the host defaulting to the certificate's first name. */
  readonly origin: (host?: string) => string;
}

/**
 * A real HTTPS server on 127.0.0.1 for the calling describe block (or file), with a certificate made
 * for this run by openssl (node:crypto cannot issue X.509 certificates) naming `hostnames`. The
 * client under test trusts `cert` and reaches the names through a resolver that maps them to
 * 127.0.0.1. Read port and cert inside hooks and tests only: the server starts in beforeAll.
 */
export function useHttpsTestServer(hostnames: [string, ...string[]]): HttpsTestServer {
  const routes = new Map<string, Handler>();
  const seen: SeenRequest[] = [];
  let server: Server | undefined;
  let certDir: string | undefined;
  let cert = '';
  let port = 0;

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'postern-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        `/CN=${hostnames[0]}`,
        '-addext',
        `subjectAltName=${hostnames.map((name) => `DNS:${name}`).join(',')}`,
      ],
      { stdio: 'pipe' },
    );
    cert = readFileSync(join(certDir, 'cert.pem'), 'utf8');
    const key = readFileSync(join(certDir, 'key.pem'), 'utf8');
    const started = createServer({ key, cert }, (req, res) => {
      const path = req.url ?? '';
      seen.push({
        path,
        host: req.headers.host,
        servername: (req.socket as TLSSocket).servername || undefined,
        acceptEncoding: req.headers['accept-encoding'],
      });
      const handler = routes.get(path);
      if (handler === undefined) {
        res.writeHead(404).end('no route');
        return;
      }
      handler(req, res);
    });
    server = started;
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
    port = (started.address() as AddressInfo).port;
  });
  afterEach(() => {
    routes.clear();
    seen.length = 0;
  });
  afterAll(async () => {
    const started = server;
    if (started) {
      started.closeAllConnections();
      await new Promise((resolve) => started.close(resolve));
    }
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  return {
    routes,
    seen,
    get port() {
      return port;
    },
    get cert() {
      return cert;
    },
    origin: (host = hostnames[0]) => `https://${host}:${port}`,
  };
}

/** A handler answering a redirect (302 unless told) to `location`. */
export const redirect =
  (location: string, status = 302): Handler =>
  (_req, res) =>
    res.writeHead(status, { location }).end();
