import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { portOf, type RunningServer } from './running-server';

/** The official SDK (the same @modelcontextprotocol/server 2.x that mcp-nest builds on) with one trivial tool. */
function pingServer(): McpServer {
  const server = new McpServer({ name: 'sdk-anchor', version: '1.0.0' });
  server.registerTool(
    'ping',
    {
      description: 'Answers {"pong": true}. Does nothing else.',
      outputSchema: z.object({ pong: z.boolean() }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    () => {
      const structuredContent = { pong: true };
      return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
    },
  );
  return server;
}

const MAX_BODY = 1024 * 1024;

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }));
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<void>) {
  const http = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/mcp') return reply(res, 404, 'not found');
    readJson(req)
      .then((body) => handle(req, res, body))
      .catch((err: unknown) => reply(res, 500, (err as Error).message));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return http;
}

/** Stateless, as the SDK documents it: a fresh server and transport per request, JSON responses. */
export async function startSdkStateless(): Promise<RunningServer> {
  const http = await listen(async (req, res, body) => {
    const server = pingServer();
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  return { port: portOf(http), close: () => new Promise((resolve) => http.close(() => resolve())) };
}

/**
 * Stateful: one server and transport per session, kept between requests. The load generator opens
 * one session up front (initialize + notifications/initialized) and sends its id on every call.
 * JSON responses rather than SSE, so all five servers answer in the same shape.
 */
export async function startSdkStateful(): Promise<RunningServer> {
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  const http = await listen(async (req, res, body) => {
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing) return existing.handleRequest(req, res, body);
    if (sessionId !== undefined || !isInitializeRequest(body)) return reply(res, 404, 'session not found');
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    await pingServer().connect(transport);
    await transport.handleRequest(req, res, body);
  });
  return {
    port: portOf(http),
    close: async () => {
      for (const transport of sessions.values()) await transport.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
