import { InvalidArgumentError } from 'commander';

const SPAN_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/**
 * Parses a span (`30d`, `12h`, `90m`), a calendar date (`2026-12-31`: the key works through the end
 * of that day, UTC) or an ISO timestamp into a future date.
 */
export function parseExpiry(value: string): Date {
  const span = /^(\d{1,5})([dhm])$/.exec(value);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  let date: Date;
  if (span) {
    date = new Date(Date.now() + Number(span[1]) * SPAN_MS[span[2] as keyof typeof SPAN_MS]);
  } else if (day) {
    const [y, m, d] = day.slice(1).map(Number);
    date = new Date(Date.UTC(y, m - 1, d, 23, 59, 59, 999));
    // Date.UTC rolls 2030-02-30 over to March; a date that does not exist is a typo, not a wish.
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      throw new InvalidArgumentError(`${value} is not a calendar date`);
    }
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    date = new Date(value);
  } else {
    date = new Date(NaN);
  }
  if (Number.isNaN(date.getTime())) {
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
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function parseBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('use true or false');
}
