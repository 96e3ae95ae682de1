import { AppError, type ErrorDetail } from '../../common/app-error';
import { isIsoTimestamp } from '../../common/validation/calendar-date';
import { hasControlCharacters, unsafeInLink } from '../../common/validation/control-characters';
import { isPlatform, PLATFORMS, type Platform } from '../../publishing/rules/platforms';
import type { MediaItem } from '../../publishing/rules/rule-types';
import type { MediaAssetEntity } from '../media/media-asset.entity';
import type { PlatformOverride, PlatformOverrides } from './content-fields';
import { UUID_PATTERN } from '../../common/validation/uuid';

/**
 * The content fields drafts and posts share, and the one place their rules live: the tool schemas,
 * the REST DTOs and the services all read these limits, and both services normalise through here.
 * Lengths are UTF-16 code units (what JavaScript's `length` and the platforms' longest limit count).
 */
export const CONTENT_LIMITS = {
  /** Facebook's limit, the longest any platform accepts; shorter platform limits are validate_post's job. */
  text: 63206,
  title: 300,
  link: 2048,
  notes: 5000,
  media: 20,
  targets: 50,
} as const;

/** The content fields as both surfaces send them; `null` clears an optional field on update. */
export interface ContentInput {
  text?: string;
  title?: string | null;
  link?: string | null;
  variants?: PlatformOverrides;
  media_ids?: string[];
  campaign_id?: string | null;
}

/** The normalised fields, as stored; only what the caller sent is present. */
export interface NormalisedContent {
  text?: string;
  title?: string | null;
  link?: string | null;
  variants?: PlatformOverrides;
  mediaIds?: string[];
  campaignId?: string | null;
}

/** New content as stored: whatever the caller left out starts empty. */
export function newContent(fields: NormalisedContent): Required<NormalisedContent> {
  return {
    text: fields.text ?? '',
    title: fields.title ?? null,
    link: fields.link ?? null,
    variants: fields.variants ?? {},
    mediaIds: fields.mediaIds ?? [],
    campaignId: fields.campaignId ?? null,
  };
}

/**
 * Sets on a stored draft or post the fields a change gives: a field left out stays as it is, null
 * clears it.
 */
export function applyContentChanges(row: Required<NormalisedContent>, fields: NormalisedContent): void {
  if (fields.text !== undefined) row.text = fields.text;
  if (fields.title !== undefined) row.title = fields.title;
  if (fields.link !== undefined) row.link = fields.link;
  if (fields.variants !== undefined) row.variants = fields.variants;
  if (fields.mediaIds !== undefined) row.mediaIds = fields.mediaIds;
  if (fields.campaignId !== undefined) row.campaignId = fields.campaignId;
}

/** Collects every problem in a call, so one refusal names all the fields to fix. */
export class ContentProblems {
  private readonly details: ErrorDetail[] = [];

  /** Returns undefined so a check can `return problems.add(...)` in place of a value. */
  add(field: string, issue: string): undefined {
    this.details.push({ field, issue });
    return undefined;
  }

  throwIfAny(): void {
    if (!this.details.length) return;
    const message = this.details.map((d) => `${d.field} ${d.issue}`).join('; ');
    throw new AppError('validation_failed', message, this.details);
  }
}

function checkText(value: unknown, field: string, max: number, problems: ContentProblems): string | undefined {
  if (typeof value !== 'string') return problems.add(field, 'must be a string');
  if (value.length > max) return problems.add(field, `must be at most ${max} characters (has ${value.length})`);
  if (hasControlCharacters(value)) return problems.add(field, 'must not contain control characters or half characters');
  return value;
}

function checkTitle(value: unknown, field: string, problems: ContentProblems): string | undefined {
  if (typeof value !== 'string') return problems.add(field, 'must be a string');
  const title = value.trim();
  if (!title) return problems.add(field, 'must not be blank; send null to remove it');
  if (title.length > CONTENT_LIMITS.title)
    return problems.add(field, `must be at most ${CONTENT_LIMITS.title} characters`);
  if (hasControlCharacters(title, true))
    return problems.add(field, 'must be one line without control characters or half characters');
  return title;
}

function checkLink(value: unknown, field: string, problems: ContentProblems): string | undefined {
  if (typeof value !== 'string') return problems.add(field, 'must be a string');
  if (value.length > CONTENT_LIMITS.link)
    return problems.add(field, `must be at most ${CONTENT_LIMITS.link} characters`);
  // new URL() accepts NUL, CR/LF and bidi controls; none belongs in a link a network will show.
  if (unsafeInLink(value)) return problems.add(field, 'must be an https URL without control or direction characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problems.add(field, 'must be an https URL');
  }
  if (url.protocol !== 'https:' || !url.hostname) return problems.add(field, 'must be an https URL');
  return value;
}

function checkVariants(value: unknown, problems: ContentProblems): PlatformOverrides | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return problems.add('variants', 'must be an object keyed by platform');
  }
  const variants: PlatformOverrides = {};
  for (const [platform, raw] of Object.entries(value as Record<string, unknown>)) {
    // A REST body arrives as a DTO whose unset platforms are present as undefined.
    if (raw === undefined) continue;
    const at = `variants.${platform}`;
    if (!isPlatform(platform)) {
      problems.add(at, `is not a platform; use one of ${PLATFORMS.join(', ')}`);
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.add(at, 'must be an object with text, title and/or link');
      continue;
    }
    const override: PlatformOverride = {};
    for (const [key, v] of Object.entries(raw as Record<string, unknown>)) {
      if (v === undefined) continue;
      if (key === 'text') override.text = checkText(v, `${at}.text`, CONTENT_LIMITS.text, problems);
      else if (key === 'title') override.title = checkTitle(v, `${at}.title`, problems);
      else if (key === 'link') override.link = checkLink(v, `${at}.link`, problems);
      else problems.add(`${at}.${key}`, 'is not a known field; a variant may set text, title and link');
    }
    // A variant that changes nothing is dropped, so stored variants always mean something.
    if (Object.keys(override).length) variants[platform] = override;
  }
  return variants;
}

/** Ids of one kind, each a UUID and named once. */
export function checkIds(
  value: unknown,
  field: string,
  bounds: { min?: number; max: number },
  problems: ContentProblems,
): string[] | undefined {
  if (!Array.isArray(value)) return problems.add(field, 'must be an array of ids');
  if (value.length < (bounds.min ?? 0)) return problems.add(field, `must list at least ${bounds.min} id`);
  if (value.length > bounds.max)
    return problems.add(field, `must list at most ${bounds.max} ids (has ${value.length})`);
  const seen = new Set<string>();
  for (const [i, id] of value.entries()) {
    if (typeof id !== 'string' || !UUID_PATTERN.test(id)) {
      problems.add(`${field}.${i}`, 'must be an id (UUID)');
      continue;
    }
    const lower = id.toLowerCase();
    if (seen.has(lower)) problems.add(`${field}.${i}`, `lists ${id} more than once`);
    seen.add(lower);
  }
  return (value as string[]).map((id) => id.toLowerCase());
}

export function checkNotes(value: unknown, problems: ContentProblems): string | null | undefined {
  if (value === undefined || value === null) return value;
  return checkText(value, 'notes', CONTENT_LIMITS.notes, problems);
}

/**
 * Checks and normalises the shared content fields (titles trimmed, empty variants dropped, ids
 * lower-cased). Problems are added to `problems`; the caller throws once it has checked its own fields.
 */
export function normaliseContent(input: ContentInput, problems: ContentProblems): NormalisedContent {
  const out: NormalisedContent = {};
  if (input.text !== undefined) out.text = checkText(input.text, 'text', CONTENT_LIMITS.text, problems);
  if (input.title !== undefined) out.title = input.title === null ? null : checkTitle(input.title, 'title', problems);
  if (input.link !== undefined) out.link = input.link === null ? null : checkLink(input.link, 'link', problems);
  if (input.variants !== undefined) out.variants = checkVariants(input.variants, problems);
  if (input.media_ids !== undefined) {
    out.mediaIds = checkIds(input.media_ids, 'media_ids', { max: CONTENT_LIMITS.media }, problems);
  }
  if (input.campaign_id !== undefined) {
    if (
      input.campaign_id !== null &&
      (typeof input.campaign_id !== 'string' || !UUID_PATTERN.test(input.campaign_id))
    ) {
      problems.add('campaign_id', 'must be a campaign id (UUID) or null');
    } else out.campaignId = input.campaign_id?.toLowerCase() ?? null;
  }
  return out;
}

/** A media row as the platform rules see it (durations in seconds; unknown sizes left out). */
export function toMediaItem(asset: MediaAssetEntity): MediaItem {
  return {
    kind: asset.kind,
    mimeType: asset.mimeType,
    sizeBytes: asset.sizeBytes,
    ...(asset.durationMs !== null ? { durationSeconds: asset.durationMs / 1000 } : {}),
    ...(asset.width !== null ? { width: asset.width } : {}),
    ...(asset.height !== null ? { height: asset.height } : {}),
  };
}

/** Refuses an update that names no field to change, so a call that does nothing says so. */
export function requireSomeChange(input: object, fields: readonly string[]): void {
  const given = fields.filter((f) => (input as Record<string, unknown>)[f] !== undefined);
  if (!given.length) {
    throw new AppError('validation_failed', `nothing to update: give at least one of ${fields.join(', ')}`, [
      { field: '(arguments)', issue: `give at least one of ${fields.join(', ')}` },
    ]);
  }
}

/** Optimistic concurrency: the caller says which version it edited; any other version is refused. */
export function requireVersion(what: string, current: number, expected: number | undefined, readTool: string): void {
  if (expected === undefined || expected === current) return;
  throw new AppError(
    'conflict',
    `the ${what} is at version ${current}, not ${expected}: someone changed it since you read it. ` +
      `Read it again with ${readTool}, reapply your change, and send expected_version ${current}.`,
    [{ field: 'expected_version', issue: `current version is ${current}` }],
  );
}

/** The list filters drafts and posts share, as both surfaces send them. */
export interface ContentListFilter {
  cursor?: string;
  limit?: number;
  campaign_id?: string;
  platform?: Platform;
  created_after?: string;
  created_before?: string;
}

/** The creation-time window of a list, [after, before); an empty or malformed window is refused. */
export function listWindow(filter: ContentListFilter): { after?: Date; before?: Date } {
  const problems = new ContentProblems();
  const parse = (field: 'created_after' | 'created_before'): Date | undefined => {
    const value = filter[field];
    if (value === undefined) return undefined;
    if (!isIsoTimestamp(value)) return problems.add(field, 'must be an ISO 8601 timestamp with an offset');
    return new Date(value);
  };
  const after = parse('created_after');
  const before = parse('created_before');
  if (after && before && after >= before) problems.add('created_after', 'must be earlier than created_before');
  if (filter.platform !== undefined && !isPlatform(filter.platform)) {
    problems.add('platform', `must be one of ${PLATFORMS.join(', ')}`);
  }
  if (filter.campaign_id !== undefined && !UUID_PATTERN.test(filter.campaign_id))
    problems.add('campaign_id', 'must be a UUID');
  problems.throwIfAny();
  return { after, before };
}
