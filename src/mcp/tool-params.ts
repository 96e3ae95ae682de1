import { z } from 'zod';
import { isCalendarDate, isIsoTimestamp } from '../common/validation/calendar-date';
import { hasControlCharacters, unsafeInLink } from '../common/validation/control-characters';
import { MAX_PAGE_SIZE } from '../common/pagination';
import { PLATFORMS } from '../publishing/rules/platforms';

/**
 * Building blocks for tool parameters, so every tool bounds its strings and arrays the same way
 * and a model reads the same wording for the same kind of field.
 */
export const idParam = (what: string) =>
  z.uuid({ message: `must be a ${what} id (UUID)` }).describe(`The ${what} id (UUID).`);

/** Free text (post copy, notes): line breaks allowed, control characters refused. */
export const textParam = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !hasControlCharacters(v), 'must not contain control characters or half characters');

/** One line (names, handles, titles): no line breaks or control characters. */
export const lineParam = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((v) => !hasControlCharacters(v, true), 'must be one line without control characters or half characters');

/** One tag: letters, digits, _ and -, at most 50 characters. */
export const tagParam = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{N}_-]+$/u, 'tags are letters, digits, _ and - only');

export const tagsParam = z
  .array(tagParam)
  .max(20)
  .describe('Up to 20 tags: letters, digits, _ and -, at most 50 characters each.');

export const platformParam = z.enum(PLATFORMS).describe(`One of ${PLATFORMS.join(', ')}.`);

export const calendarDateParam = z
  .string()
  .max(10)
  .refine(isCalendarDate, 'must be a date written YYYY-MM-DD')
  .describe('A calendar date, YYYY-MM-DD, in the workspace time zone.');

export const timestampParam = z
  .string()
  .max(40)
  .refine(isIsoTimestamp, 'must be an ISO 8601 timestamp with an offset, such as 2026-12-01T09:00:00Z')
  .describe('ISO 8601 with an explicit offset, e.g. 2026-12-01T09:00:00Z.');

export const httpsUrlParam = z
  .string()
  .max(2048)
  // Checked on the raw text: z.url() lets NUL and direction controls through and drops CR/LF silently.
  .refine((v) => !unsafeInLink(v), 'must be an https URL without control or direction characters')
  .pipe(z.url({ protocol: /^https$/, message: 'must be an https URL' }))
  .describe('An https URL (at most 2048 characters).');

export const idempotencyKeyParam = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces')
  .describe(
    'Optional. Any unique string (a UUID is ideal). Repeating the call with the same key and the same arguments ' +
      'returns the first result with replayed: true instead of creating a second object; the same key with other ' +
      'arguments is refused with idempotency_conflict. Keys are remembered for 24 hours.',
  );

export const pageParams = {
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by a previous call')
    .optional()
    .describe('next_cursor from the previous page; omit for the first page.'),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe(`Page size, 1–${MAX_PAGE_SIZE} (default 25).`),
};

/** A list result as tools declare it: `items` plus the cursor of the next page. */
export const pageOutput = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

/** Per-platform replacements for text, title and link. */
export const overridesParam = (textMax: number) =>
  z
    .partialRecord(
      z.enum(PLATFORMS),
      z
        .object({
          text: textParam(textMax).optional(),
          title: lineParam(300).optional(),
          link: httpsUrlParam.optional(),
        })
        .strict(),
    )
    .describe('Per-platform replacements, e.g. {"x": {"text": "shorter copy"}}; fields left out use the shared value.');

export const annotations = {
  read: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  create: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  update: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  /** An update that bumps a version: repeating it changes the version again. */
  versionedUpdate: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  delete: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
} as const;
