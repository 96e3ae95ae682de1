import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Sample, Target } from './load';

/** True when a `wrk` binary is on PATH (Debian: `apt-get install wrk`). */
export function wrkAvailable(): boolean {
  return !spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error;
}

/** A Lua string literal holding exactly these UTF-8 bytes: printable ASCII as is, every other byte escaped. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${byte.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

/**
 * The wrk script: the target's request, and a check of every response against the body the probe
 * got (and checked in full) — byte for byte, since these servers answer the same call identically.
 * `done` prints one line the parent parses.
 */
function script(target: Target, expected: string): string {
  const headers = Object.entries(target.headers)
    .map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`)
    .join('\n');
  return `
wrk.method = "POST"
wrk.path = "/mcp"
wrk.body = ${luaString(target.body)}
${headers}
local expected = ${luaString(expected)}
bad = 0
first = ""
function response(status, headers, body)
  if status ~= 200 or body ~= expected then
    bad = bad + 1
    if first == "" then first = status .. " " .. string.sub(body, 1, 300) end
  end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local b, f = 0, ""
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
    if f == "" then f = t:get("first") end
  end
  local e = summary.errors
  io.write(string.format('POSTERN-RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"bad":%d,"socket":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), b,
    e.connect + e.read + e.write, e.timeout))
  io.write("POSTERN-FIRST " .. string.gsub(f, "[\\r\\n]", " ") .. "\\n")
end
`;
}

interface WrkResult {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  bad: number;
  socket: number;
  timeout: number;
}

/**
 * Closed-loop load from wrk (C, one thread): it takes far less of the machine's CPU than a load
 * generator on Node's event loop, which on a small machine competes with the server and database
 * being measured.
 */
export async function runWrk(target: Target, expected: string, seconds: number, connections: number): Promise<Sample> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'postern-wrk-'));
  try {
    const file = path.join(dir, 'load.lua');
    writeFileSync(file, script(target, expected));
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', file];
    const out = await run('wrk', [...args, `http://127.0.0.1:${target.port}/mcp`], (seconds + 30) * 1000);
    const resultLine = /^POSTERN-RESULT (.*)$/m.exec(out)?.[1];
    if (!resultLine) throw new Error(`${target.kind}: wrk printed no result:\n${out.slice(0, 2000)}`);
    const r = JSON.parse(resultLine) as WrkResult;
    const first = /^POSTERN-FIRST (.*)$/m.exec(out)?.[1]?.trim();
    const errors = r.bad + r.socket + r.timeout;
    return {
      rps: r.requests / (r.durationUs / 1e6),
      p50: r.p50Us / 1000,
      p99: r.p99Us / 1000,
      errors,
      requests: r.requests,
      firstError: first || (errors ? `${r.socket} socket errors, ${r.timeout} timeouts` : undefined),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a command to its end within a deadline; its stdout, or a rejection with its stderr. */
function run(command: string, args: string[], deadlineMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ended with ${signal ?? `code ${code}`}: ${stderr.slice(0, 1000)}`));
    });
  });
}
