import { InvalidArgumentError } from 'commander';

/** Parses `2026-12-31`, an ISO timestamp, or a span like `30d`, `12h`, `90m` into a future date. */
export function parseExpiry(value: string): Date {
  const span = /^(\d{1,5})([dhm])$/.exec(value);
  const date = span
    ? new Date(Date.now() + Number(span[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[span[2] as 'd' | 'h' | 'm'])
    : new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}|^\d+[dhm]$/.test(value)) {
    throw new InvalidArgumentError('use a date (2026-12-31), a timestamp, or a span such as 30d, 12h, 90m');
  }
  if (date.getTime() <= Date.now()) throw new InvalidArgumentError('the expiry must be in the future');
  return date;
}

export function parseList(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) throw new InvalidArgumentError('give at least one value, comma-separated');
  return items;
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
