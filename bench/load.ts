import autocannon from 'autocannon';
import type { ServerKind } from './ipc';
import { runWrk } from './load-wrk';

/** One server under load: where it listens, what each request carries, what a good answer is. */
export interface Target {
  kind: ServerKind;
  port: number;
  headers: Record<string, string>;
  body: string;
  /** True for a good answer: HTTP 200 and a JSON-RPC result that is not an error. */
  check(status: number, body: string): boolean;
  /** The body the probe got and `check` accepted; wrk requires every response to equal it. */
  expected?: string;
}

/** The load generators the benchmark can drive. */
export const GENERATORS = ['wrk', 'autocannon'] as const;
export type Generator = (typeof GENERATORS)[number];

export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Responses that failed the check, plus connection errors and timeouts. */
  errors: number;
  requests: number;
  firstError?: string;
  /** CPU the server process spent per response during the run, in ms. */
  serverCpuMs?: number;
  /** The part of it spent on the server's main thread (its event loop), where the platform tells. */
  serverMainCpuMs?: number;
  /** Time the server's main thread was ready to run but waited for a CPU, per response, in ms (Linux). */
  serverMainWaitMs?: number;
  /** CPU the embedded database process spent per response during the run, in ms (not with DATABASE_URL). */
  dbCpuMs?: number;
  /** CPU the load generator (this process, and wrk when it drives the load) spent per response, in ms. */
  loadCpuMs?: number;
}

const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
};

export function toolCall(tool: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: {} } });
}

/** Accepts only a 200 whose JSON-RPC body has id 1, a `result` without `isError`, no `error`, and the expected structuredContent. */
export function mcpResultCheck(structured: (content: unknown) => boolean) {
  return (status: number, body: string): boolean => {
    if (status !== 200) return false;
    let message: {
      jsonrpc?: unknown;
      id?: unknown;
      error?: unknown;
      result?: { isError?: unknown; structuredContent?: unknown };
    };
    try {
      message = JSON.parse(body) as typeof message;
    } catch {
      return false;
    }
    return (
      message.jsonrpc === '2.0' &&
      message.id === 1 &&
      message.error === undefined &&
      !!message.result &&
      message.result.isError !== true &&
      structured(message.result.structuredContent)
    );
  };
}

export function mcpHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { ...MCP_HEADERS, ...extra };
}

/** One request through fetch before any load: a target that cannot answer once is not benchmarked. Returns the body. */
export async function probe(target: Target): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${target.port}/mcp`, {
    method: 'POST',
    headers: target.headers,
    body: target.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!target.check(res.status, text)) {
    throw new Error(`${target.kind}: probe answered ${res.status} ${text.slice(0, 500)}`);
  }
  return text;
}

/** Closed-loop load from the chosen generator. */
export function runLoad(target: Target, seconds: number, connections: number, generator: Generator): Promise<Sample> {
  if (generator === 'autocannon') return runAutocannon(target, seconds, connections);
  if (target.expected === undefined) throw new Error(`${target.kind}: wrk needs the probe's answer to compare with`);
  return runWrk(target, target.expected, seconds, connections);
}

/** Closed-loop load: `connections` keep-alive connections, each sending the next request on an answer. */
async function runAutocannon(target: Target, seconds: number, connections: number): Promise<Sample> {
  let bad = 0;
  let firstError: string | undefined;
  const run = autocannon({
    url: `http://127.0.0.1:${target.port}`,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/mcp',
        headers: target.headers,
        body: target.body,
        onResponse: (status, body) => {
          if (target.check(status, body)) return;
          bad += 1;
          firstError ??= `${status} ${body.slice(0, 300)}`;
        },
      },
    ],
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${target.kind}: load run overran`)), (seconds + 30) * 1000);
  });
  try {
    const result = await Promise.race([run, deadline]);
    return {
      rps: result.requests.total / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: bad + result.errors,
      requests: result.requests.total,
      firstError:
        firstError ?? (result.errors ? `${result.errors} connection errors (${result.timeouts} timeouts)` : undefined),
    };
  } finally {
    clearTimeout(timer);
  }
}
