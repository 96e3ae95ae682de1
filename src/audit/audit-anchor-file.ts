import { readFile, rename, writeFile } from 'node:fs/promises';
import { AppError } from '../common/app-error';
import type { ChainHeadAnchor } from './audit-verifier.service';

const FORMAT = 'postern-audit-anchors/1';

interface AnchorFile {
  format: typeof FORMAT;
  written_at: string;
  heads: ChainHeadAnchor[];
}

function isAnchor(value: unknown): value is ChainHeadAnchor {
  const a = value as Partial<ChainHeadAnchor> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.chain === 'string' &&
    a.chain.length > 0 &&
    Number.isSafeInteger(a.seq) &&
    (a.seq as number) >= 1 &&
    typeof a.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(a.hash)
  );
}

/**
 * The heads an earlier `audit verify --anchor` saw, or none when the file does not exist yet. A file
 * that exists but is not one is refused, never treated as empty: that would drop every anchor.
 */
export async function readAnchors(file: string): Promise<ChainHeadAnchor[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('validation_failed', `cannot read the anchor file ${file}: ${(err as Error).message}`);
  }
  let parsed: Partial<AnchorFile>;
  try {
    parsed = JSON.parse(text) as Partial<AnchorFile>;
  } catch {
    parsed = {};
  }
  const heads = parsed.heads;
  if (parsed.format !== FORMAT || !Array.isArray(heads) || !heads.every(isAnchor))
    throw new AppError('validation_failed', `${file} is not an anchor file written by postern audit verify --anchor`);
  return heads;
}

/**
 * Replaces the file with these heads in one step (written beside it, then renamed), so a crash or a
 * full disk leaves the old anchors, not half a file.
 */
export async function writeAnchors(file: string, heads: ChainHeadAnchor[]): Promise<void> {
  const content: AnchorFile = {
    format: FORMAT,
    written_at: new Date().toISOString(),
    heads: [...heads].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0)),
  };
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await rename(partial, file);
}
