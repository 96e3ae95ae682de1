import type { ServerKind } from './ipc';
import type { Sample } from './load';

export const LABELS: Record<ServerKind, string> = {
  full: 'full path: list_workspaces, guards + audit',
  'full-audit-off': 'full path, audit writes discarded',
  framework: 'framework anchor: mcp-nest ping, no guards',
  'framework-commit': 'commit floor: anchor + held group-committed row',
  'sdk-stateless': 'SDK stateless: ping',
  'sdk-stateful': 'SDK stateful (one session): ping',
};

export interface ServerResult {
  kind: ServerKind;
  samples: Sample[];
  rssBytes?: number;
  /** Audit rows committed during the measured rounds, and responses in them (the full path). */
  auditRows?: { written: number | null; responses: number };
}

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile by linear interpolation between the two nearest ranks (numpy's default). */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Median CPU ms per request over rounds, or a dash where it was not measured. */
function cpu(values: (number | undefined)[]): string {
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return known.length ? median(known).toFixed(2) : '–';
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * Per-round ratios a/b: both servers of a round were measured minutes apart at most, on the same
 * machine state. The median is the figure; the quartiles show how far the host moved it.
 */
function pairedRatio(a: ServerResult, b: ServerResult): { median: number; q1: number; q3: number } {
  const ratios = a.samples.map((s, i) => s.rps / b.samples[i].rps);
  return { median: median(ratios), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75) };
}

const percent = (r: number) => `${(r * 100).toFixed(1)}%`;

/** The quartiles of the per-round figures, worth printing from four rounds on. */
function spread(low: number, high: number, rounds: number): string {
  return rounds >= 4 ? `quartiles ${percent(low)}–${percent(high)} over ${rounds} rounds` : '';
}

export interface Verdict {
  text: string;
  failed: boolean;
}

export function report(results: ServerResult[], connections: number, warmedUp: boolean): Verdict {
  const by = new Map(results.map((r) => [r.kind, r]));
  const rows = results.map((r) => [
    LABELS[r.kind],
    median(r.samples.map((s) => s.rps)).toFixed(0),
    median(r.samples.map((s) => s.p50)).toFixed(1),
    median(r.samples.map((s) => s.p99)).toFixed(1),
    String(sum(r.samples.map((s) => s.errors))),
    r.rssBytes === undefined ? '?' : (r.rssBytes / 2 ** 20).toFixed(0),
    cpu(r.samples.map((s) => s.serverCpuMs)),
    cpu(r.samples.map((s) => s.serverMainCpuMs)),
    cpu(r.samples.map((s) => s.serverMainWaitMs)),
    cpu(r.samples.map((s) => s.dbCpuMs)),
    r.samples.map((s) => s.rps.toFixed(0)).join(' / '),
  ]);
  const lines = [
    table(
      [
        'server',
        'rps',
        'p50 ms',
        'p99 ms',
        'errors',
        'RSS MB',
        'CPU ms/req',
        'main thread ms/req',
        'its wait for a CPU ms/req',
        'db CPU ms/req',
        'rps by round',
      ],
      rows,
    ),
    '',
  ];
  let failed = false;
  const errorsOf = (r: ServerResult) => sum(r.samples.map((s) => s.errors));
  const line = (name: string, value: string, verdict = '', note = '') =>
    lines.push(
      `${name.padEnd(42)} ${value.padStart(7)}${[verdict, note]
        .filter(Boolean)
        .map((t) => `   ${t}`)
        .join('')}`,
    );
  /** A ratio, with its target when it has one; a ratio over wrong answers means nothing, so errors fail it. */
  const ratio = (
    name: string,
    a: ServerKind,
    b: ServerKind,
    target?: { pass: (r: number) => boolean; text: string },
  ) => {
    const ra = by.get(a);
    const rb = by.get(b);
    if (!ra || !rb) return;
    const { median: r, q1, q3 } = pairedRatio(ra, rb);
    const wrong = errorsOf(ra) + errorsOf(rb) > 0;
    let verdict = wrong ? 'not meaningful: errors' : '';
    if (target)
      verdict = wrong ? `FAIL (${target.text}; errors)` : `${target.pass(r) ? 'PASS' : 'FAIL'} (${target.text})`;
    if (verdict.startsWith('FAIL')) failed = true;
    line(name, percent(r), verdict, spread(q1, q3, ra.samples.length));
  };
  ratio('full / framework anchor', 'full', 'framework', { pass: (r) => r >= 0.7, text: 'target ≥ 70%' });
  ratio('full / SDK stateless', 'full', 'sdk-stateless');
  ratio('full / SDK stateful', 'full', 'sdk-stateful');
  ratio('framework anchor / SDK stateless', 'framework', 'sdk-stateless');
  ratio('full, audit writes discarded / framework', 'full-audit-off', 'framework');
  ratio('commit floor / framework anchor', 'framework-commit', 'framework');
  const full = by.get('full');
  const off = by.get('full-audit-off');
  if (full && off) {
    const paired = pairedRatio(full, off);
    const cost = 1 - paired.median;
    const wrong = errorsOf(full) + errorsOf(off) > 0;
    const pass = !wrong && cost <= 0.1;
    if (!pass) failed = true;
    line(
      'audit cost (1 − full / audit discarded)',
      percent(cost),
      `${pass ? 'PASS' : 'FAIL'} (target ≤ 10%${wrong ? '; errors' : ''})`,
      spread(1 - paired.q3, 1 - paired.q1, full.samples.length),
    );
  }
  if (full && off) {
    // Not a target: the event loop's extra CPU per call explains most of the throughput cost.
    const perCall = (r: ServerResult) => median(r.samples.map((s) => s.serverMainCpuMs ?? NaN));
    const extra = perCall(full) / perCall(off) - 1;
    if (Number.isFinite(extra))
      line('main-thread CPU per call, full vs discarded', `${extra >= 0 ? '+' : ''}${(extra * 100).toFixed(1)}%`);
  }
  if (full) {
    const errors = errorsOf(full);
    if (errors) failed = true;
    line('full path errors', String(errors), errors ? 'FAIL (target 0)' : 'PASS (target 0)');
  }
  for (const r of results) {
    if (!r.auditRows) continue;
    const { written, responses } = r.auditRows;
    // Calls still in flight when a load ends are audited but not counted as responses: one per
    // connection for each round, and for the warm-up, whose last calls may commit after the count
    // before the rounds was taken.
    const loads = r.samples.length + (warmedUp ? 1 : 0);
    const expected = r.kind === 'full-audit-off' ? [0, 0] : [responses, responses + connections * loads];
    const ok = written !== null && written >= expected[0] && written <= expected[1];
    if (!ok) failed = true;
    line(
      `${r.kind === 'framework-commit' ? 'rows' : 'audit rows'} committed, ${r.kind}`,
      String(written ?? '?'),
      `for ${responses} responses${ok ? '' : ' — MISMATCH'}`,
    );
  }
  for (const r of results) {
    const first = r.samples.find((s) => s.firstError)?.firstError;
    if (first) lines.push(`first error, ${r.kind}: ${first}`);
  }
  return { text: lines.join('\n'), failed };
}
