import type { CheckContext } from './check-context';
import {
  checkAllowedKinds,
  checkMaxMedia,
  checkMaxMediaOfClass,
  checkMinMedia,
  checkSameImageDimensions,
  checkSingleMediaClass,
  checkVideoStandsAlone,
  checkVideoWithCoverImage,
} from './media-checks';
import { PLATFORM_RULE_REGISTRY } from './platform-rules';
import { PLATFORMS, type Platform } from './platforms';
import type { AccountCapability, PlatformRule, PostContent, RuleViolation } from './rule-types';
import {
  checkHttpUrl,
  checkMaxHashtags,
  checkMaxLength,
  checkMaxMentions,
  checkRequired,
  checkTextOrMedia,
} from './text-checks';

/**
 * One post for several platforms. An override replaces the fields it sets, for that platform only;
 * a field left undefined falls back to the shared value (set `link: ''` to drop a shared link).
 */
export interface MultiPlatformPost extends PostContent {
  overrides?: { readonly [P in Platform]?: Partial<PostContent> };
}

export type ViolationsByPlatform = { [P in Platform]?: readonly RuleViolation[] };

/** Each platform's rules, in registry order; computed once, as the registry is frozen. */
const RULES_BY_PLATFORM: ReadonlyMap<Platform, readonly PlatformRule[]> = new Map(
  PLATFORMS.map((platform) => [
    platform,
    Object.freeze(PLATFORM_RULE_REGISTRY.rules.filter((rule) => rule.platform === platform)),
  ]),
);

export function rulesFor(platform: Platform): readonly PlatformRule[] {
  return RULES_BY_PLATFORM.get(platform) ?? [];
}

/**
 * Applies every rule for the platform and returns every violation (empty when the post is valid).
 * Pure: no I/O, no clock; the same input and registry version give the same answer.
 */
export function validatePostForPlatform(
  input: PostContent,
  platform: Platform,
  accountCapabilities: readonly AccountCapability[] = [],
): RuleViolation[] {
  return rulesFor(platform).flatMap((rule) => evaluate({ rule, content: input, capabilities: accountCapabilities }));
}

/** Validates the post for each platform, applying that platform's overrides; every requested platform gets an entry. */
export function validatePost(
  input: MultiPlatformPost,
  platforms: readonly Platform[],
  accountCapabilities: { readonly [P in Platform]?: readonly AccountCapability[] } = {},
): ViolationsByPlatform {
  const result: ViolationsByPlatform = {};
  for (const platform of platforms) {
    result[platform] = validatePostForPlatform(contentFor(input, platform), platform, accountCapabilities[platform]);
  }
  return result;
}

function contentFor(input: MultiPlatformPost, platform: Platform): PostContent {
  const override = input.overrides?.[platform] ?? {};
  return {
    text: override.text ?? input.text,
    title: override.title ?? input.title,
    link: override.link ?? input.link,
    media: override.media ?? input.media,
  };
}

function evaluate(context: Omit<CheckContext, 'check'>): RuleViolation[] {
  const check = context.rule.check;
  switch (check.kind) {
    case 'max_length':
      return checkMaxLength({ ...context, check });
    case 'required':
      return checkRequired({ ...context, check });
    case 'text_or_media':
      return checkTextOrMedia({ ...context, check });
    case 'max_hashtags':
      return checkMaxHashtags({ ...context, check });
    case 'max_mentions':
      return checkMaxMentions({ ...context, check });
    case 'http_url':
      return checkHttpUrl({ ...context, check });
    case 'min_media':
      return checkMinMedia({ ...context, check });
    case 'max_media':
      return checkMaxMedia({ ...context, check });
    case 'max_media_of_class':
      return checkMaxMediaOfClass({ ...context, check });
    case 'allowed_kinds':
      return checkAllowedKinds({ ...context, check });
    case 'single_media_class':
      return checkSingleMediaClass({ ...context, check });
    case 'video_stands_alone':
      return checkVideoStandsAlone({ ...context, check });
    case 'video_with_cover_image':
      return checkVideoWithCoverImage({ ...context, check });
    case 'same_image_dimensions':
      return checkSameImageDimensions({ ...context, check });
  }
}
