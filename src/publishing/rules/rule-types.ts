import type { MediaKind } from '../../media/media-type';
import type { Platform } from './platforms';

export type { MediaKind };

/** What one target of a post carries, as the rules see it. Sizes in bytes, durations in seconds, dimensions in px. */
export interface MediaItem {
  kind: MediaKind;
  mimeType: string;
  sizeBytes: number;
  durationSeconds?: number;
  width?: number;
  height?: number;
}

export interface PostContent {
  text: string;
  title?: string;
  link?: string;
  media: readonly MediaItem[];
}

/**
 * Account-level facts that lift a tier-dependent limit. An account declares them; nothing here
 * detects them. Catalogue, not free text, so a typo cannot silently lift a limit.
 */
export const ACCOUNT_CAPABILITIES = ['x_premium_long_posts'] as const;
export type AccountCapability = (typeof ACCOUNT_CAPABILITIES)[number];

export type TextField = 'text' | 'title' | 'link';
export type RuleField = TextField | 'media';

/** How a text is measured; see TEXT_COUNTING in text-length.ts for what each method does and why. */
export type TextCounting = 'utf16_code_units' | 'x_weighted';

/** Media grouped as the "no mixing" rules see it: a GIF is an image by kind but a class of its own. */
export type MediaClass = 'image' | 'gif' | 'video';

/** The test a rule applies. The validator switches on `kind`; the numbers here are what it enforces. */
export type RuleCheck =
  | { kind: 'max_length'; field: TextField; limit: number; counting: TextCounting; raisedBy?: CapabilityLimit }
  | { kind: 'required'; field: 'title' }
  | { kind: 'text_or_media' }
  | { kind: 'min_media'; limit: number }
  | { kind: 'max_media'; limit: number }
  | { kind: 'max_media_of_class'; mediaClass: MediaClass; limit: number }
  | { kind: 'allowed_kinds'; kinds: readonly MediaKind[] }
  | { kind: 'single_media_class' }
  | { kind: 'video_stands_alone' }
  | { kind: 'video_with_cover_image' }
  | { kind: 'same_image_dimensions' }
  | { kind: 'max_hashtags'; limit: number }
  | { kind: 'max_mentions'; limit: number }
  | { kind: 'http_url'; field: 'link' };

export interface CapabilityLimit {
  capability: AccountCapability;
  limit: number;
}

/** Keys of the survey's reference list (shared/notes/platform-rules-survey.md). */
export type SurveyRef = 'PZ16' | 'AY4' | 'AY5' | 'MX1';

export interface Citation {
  ref: SurveyRef;
  url: string;
  /** What this source says, as the survey records it. */
  states: string;
}

export type RuleSource =
  { kind: 'cited'; citations: readonly Citation[] } | { kind: 'postern_default'; reason: string };

export interface DisputedValue {
  value: number;
  appliesTo: string;
  citations: readonly Citation[];
}

/** Sources that state different values for one rule: all of them, the one enforced, and why. */
export interface Disagreement {
  values: readonly DisputedValue[];
  chosen: number;
  chosenWithCapability?: CapabilityLimit;
  reason: string;
}

export interface PlatformRule {
  /** Stable: `<platform>.<field>.<rule>`. Never reuse an id for a different rule. */
  id: string;
  platform: Platform;
  field: RuleField;
  description: string;
  check: RuleCheck;
  /** How the message names the field when "text"/"title"/"link" would mislead, e.g. YouTube's description. */
  fieldLabel?: string;
  /** Appended to the message's fix, e.g. "or split into a thread". */
  advice?: string;
  source: RuleSource;
  /** ISO 8601 date (YYYY-MM-DD) or month (YYYY-MM) when the source was last read. */
  lastVerified: string;
  disagreement?: Disagreement;
}

export interface PlatformRuleRegistry {
  version: string;
  rules: readonly PlatformRule[];
}

export interface RuleViolation {
  ruleId: string;
  platform: Platform;
  /** `text`, `title`, `link`, `media`, or `media[i]` for one item. */
  field: string;
  /** Says what the limit is, what this post has, and what to change. Written for a model to act on. */
  message: string;
  limit: number | string;
  actual: number | string;
}
