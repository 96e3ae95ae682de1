export type MediaTypeErrorCode =
  'empty' | 'unsupported_type' | 'type_mismatch' | 'svg_refused' | 'html_refused' | 'executable_refused';

/**
 * Why an uploaded or fetched file was refused as media. `code` is stable for callers to branch on;
 * `message` is safe to show them and says what would be accepted. `detected` names what the bytes
 * turned out to be (a MIME type, or `svg`, `html`, `executable`) for logs and audit details.
 */
export class MediaTypeError extends Error {
  constructor(
    readonly code: MediaTypeErrorCode,
    message: string,
    readonly detected?: string,
  ) {
    super(message);
    this.name = 'MediaTypeError';
  }
}
