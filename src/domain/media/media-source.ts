import { AppError } from '../../common/app-error';
import { base64Length } from '../../common/base64-length';
import { LINE_BREAKS_OR_CONTROL } from '../../common/validation/control-characters';
import { tooLarge } from './media.errors';

/** `data:<type>;base64,` — a prefix models often put before base64; its type is checked like a declared one. */
const DATA_URL_PREFIX = /^data:([\w.+-]+\/[\w.+-]+)?(?:;[\w-]+=[\w.-]+)*;base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface DecodedBase64 {
  bytes: Buffer;
  /** The MIME type a `data:` prefix declared, if there was one. */
  declaredMime?: string;
}

/**
 * Decodes `content_base64`: standard base64 with padding, optionally behind a `data:` URL prefix.
 * The length is checked before decoding, so an oversized payload costs no allocation.
 * Node's decoder skips characters it does not know; this refuses them instead.
 */
export function decodeBase64(value: string, maxBytes: number): DecodedBase64 {
  const prefix = DATA_URL_PREFIX.exec(value.slice(0, 200));
  const payload = prefix ? value.slice(prefix[0].length) : value;
  if (payload.length > base64Length(maxBytes)) throw tooLarge('The file', maxBytes, 'content_base64');
  if (payload.length === 0 || payload.length % 4 !== 0 || !BASE64.test(payload)) {
    throw new AppError(
      'validation_failed',
      'content_base64 must be the file in standard base64 (A–Z, a–z, 0–9, + and /, padded with =), without line breaks',
      [{ field: 'content_base64', issue: 'not valid base64' }],
    );
  }
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length > maxBytes) throw tooLarge('The file', maxBytes, 'content_base64');
  return { bytes, declaredMime: prefix?.[1] };
}

/**
 * A label for a file imported from a URL without a name: the last path segment, decoded, without
 * control characters or separators, with the extension of the detected type.
 */
export function fileNameFromUrl(url: string, extension: string): string {
  let segment = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
  try {
    segment = decodeURIComponent(segment);
  } catch {
    // A malformed escape stays as written: it is only a label.
  }
  const cleaned = segment.replace(new RegExp(LINE_BREAKS_OR_CONTROL.source, 'g'), '').replace(/[\\/]/g, '_').trim();
  const extensionMatch = /^(.+)\.[A-Za-z0-9]{1,8}$/.exec(cleaned);
  const stem = (extensionMatch ? extensionMatch[1] : cleaned).slice(0, 200) || 'media';
  return `${stem}.${extension}`;
}

/** A caller's file name, checked where every surface passes through: one line, 1–255 characters. */
export function checkedFileName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed.length < 1 || trimmed.length > 255 || LINE_BREAKS_OR_CONTROL.test(trimmed)) {
    throw new AppError('validation_failed', 'file_name must be one line of 1 to 255 characters', [
      { field: 'file_name', issue: 'required: one line, 1–255 characters' },
    ]);
  }
  return trimmed;
}
