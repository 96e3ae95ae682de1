import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
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
 * Saves these heads, never moving a chain's saved head back: what the file holds at the moment of
 * writing (another run may have saved since this one read it) is merged in, the higher head of a
 * chain kept. The file is written beside the old one under a name nobody can have planted, flushed
 * to disk, then renamed over it, so a crash or a full disk leaves the old anchors, not half a file.
 */
export async function writeAnchors(file: string, heads: ChainHeadAnchor[]): Promise<void> {
  const byChain = new Map<string, ChainHeadAnchor>();
  for (const head of [...((await readAnchors(file)) ?? []), ...heads]) {
    const known = byChain.get(head.chain);
    if (!known || head.seq > known.seq) byChain.set(head.chain, head);
  }
  const content: AnchorFile = {
    format: FORMAT,
    written_at: new Date().toISOString(),
    heads: [...byChain.values()].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0)),
  };
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}`);
  const handle = await open(partial, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, file);
  } catch (err) {
    await unlink(partial).catch(() => undefined);
    throw err;
  }
  const dir = await open(path.dirname(file), 'r');
  await dir.sync().finally(() => dir.close());
}
