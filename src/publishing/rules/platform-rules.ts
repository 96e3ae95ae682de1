/**
 * Platform rules registry: what each platform accepts in one post, as data with sources.
 *
 * What it is. Every rule has a stable id (`<platform>.<field>.<rule>`), the platform, the field it
 * looks at, a description, the check and its limit (`check`), where the value comes from
 * (`source`) and when that source was last read (`lastVerified`). `validatePostForPlatform` and
 * `validatePost` (validate-post.ts) apply them; nothing else should hard-code a platform limit.
 *
 * Where values come from. Only from shared/notes/platform-rules-survey.md, which reads Postiz's
 * server code (PZ16), Ayrshare's docs (AY4, AY5) and Mixpost's config (MX1); each citation quotes
 * what its source states. The survey is dated 2026-08 to the month, so cited rules carry
 * `lastVerified: '2026-08'` (ISO 8601 month) rather than an invented day. Where the survey cites
 * two keys for one table cell, both are cited. A rule the survey has no source for is marked
 * `source.kind: 'postern_default'` with its reason and the day it was set. Where no source states
 * a limit, none is enforced: there are no video duration, file size or MIME-type rules yet because
 * the survey states none (a GIF is recognised by `image/gif` because Mixpost limits GIFs
 * separately); the connector reports the platform's own refusal. Lengths are counted as
 * TEXT_COUNTING (text-length.ts) describes: UTF-16 code units, or X's weighting for X (links 23,
 * emoji and CJK 2) — both Postern defaults, because the sources give limits, not counting rules.
 *
 * Disagreements. When sources state different values, the rule's `disagreement` lists every value
 * with its citations, the value enforced (`chosen`) and the reason. The policy: enforce the lowest
 * sourced value, so a post that passes here is within every source's reading; a higher value for an
 * account tier applies only when the account declares the capability the record names
 * (`chosenWithCapability`). `check.limit` and `check.raisedBy` are what the validator enforces; a
 * test keeps them equal to the disagreement's choices.
 *
 * Not covered, because the post input has no field for them: alt text, YouTube tags, comments,
 * declared post types (stories, reels, trial reels, X articles, GMB event vs offer) and per-day
 * publishing caps (Instagram's 50 posts per 24 h belongs to rate limits, not to one post).
 *
 * Changing a rule: edit the data, add a line below, bump `version` (`YYYY-MM-DD.n`, n counting
 * changes that day). Never change what an existing id means; retire it and add a new id.
 *
 * Changelog
 * - 2026-11-21.1  First registry: 42 rules for facebook, instagram, pinterest, youtube, gmb,
 *                 linkedin, x from the 2026-08 survey; 7 Postern defaults; disagreements recorded
 *                 for X text length (280 / 4,000 / 25,000) and Facebook text length (63,206 / 5,000).
 */
import { deepFreeze } from './deep-freeze';
import type { PlatformRule, PlatformRuleRegistry } from './rule-types';
import { cite, SURVEY_VERIFIED } from './survey-sources';

/** The day the Postern defaults below were set; they are reviewed with each registry version. */
const DEFAULT_SET = '2026-11-21';

const NEEDS_CONTENT =
  'A post with neither text nor media has nothing to publish. The survey states no minimum for this platform, so Postern requires one of the two.';
const LINK_IS_URL =
  'The link becomes a clickable destination, so it must be an absolute http(s) URL. The survey gives only the maximum length (or nothing), so the format is a Postern rule.';

const X_RULES: PlatformRule[] = [
  {
    id: 'x.text.max_length',
    platform: 'x',
    field: 'text',
    description:
      'Post text length as X weighs it (see TEXT_COUNTING.x_weighted): 280, or 4,000 when the account declares x_premium_long_posts.',
    check: {
      kind: 'max_length',
      field: 'text',
      limit: 280,
      counting: 'x_weighted',
      raisedBy: { capability: 'x_premium_long_posts', limit: 4000 },
    },
    advice: 'or split it into a thread',
    source: {
      kind: 'cited',
      citations: [cite('postizX', '280 chars'), cite('ayrshareCharacterLimits', '280'), cite('mixpostConfig', '280')],
    },
    lastVerified: SURVEY_VERIFIED,
    disagreement: {
      values: [
        {
          value: 280,
          appliesTo: 'every account',
          citations: [
            cite('postizX', '280 chars'),
            cite('ayrshareCharacterLimits', '280'),
            cite('mixpostConfig', '280'),
          ],
        },
        {
          value: 4000,
          appliesTo: 'accounts Postiz treats as "Verified"/premium',
          citations: [cite('postizX', '4,000 if "Verified"/premium')],
        },
        {
          value: 25000,
          appliesTo: 'X Premium accounts',
          citations: [cite('ayrshareCharacterLimits', '25,000 Premium')],
        },
      ],
      chosen: 280,
      chosenWithCapability: { capability: 'x_premium_long_posts', limit: 4000 },
      reason:
        'All three sources agree on 280 for an ordinary account, so that is the default. Only an account that declares x_premium_long_posts gets more, and then the lower of the two premium values (Postiz 4,000 vs Ayrshare 25,000), so a premium post that passes here is within both readings. Raising it to 25,000 needs a source both agree with, or a deliberate registry change.',
    },
  },
  {
    id: 'x.media.max_images',
    platform: 'x',
    field: 'media',
    description: 'At most 4 still images (not counting GIFs) in one post.',
    check: { kind: 'max_media_of_class', mediaClass: 'image', limit: 4 },
    advice: 'or split the post into a thread',
    source: {
      kind: 'cited',
      citations: [cite('postizX', '≤4 images or 1 video'), cite('mixpostConfig', '4 photos / 1 video / 1 GIF')],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'x.media.max_videos',
    platform: 'x',
    field: 'media',
    description: 'At most 1 video in one post.',
    check: { kind: 'max_media_of_class', mediaClass: 'video', limit: 1 },
    advice: 'or split the post into a thread',
    source: {
      kind: 'cited',
      citations: [cite('postizX', '≤4 images or 1 video'), cite('mixpostConfig', '4 photos / 1 video / 1 GIF')],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'x.media.max_gifs',
    platform: 'x',
    field: 'media',
    description: 'At most 1 GIF (image/gif) in one post.',
    check: { kind: 'max_media_of_class', mediaClass: 'gif', limit: 1 },
    advice: 'or split the post into a thread',
    source: { kind: 'cited', citations: [cite('mixpostConfig', '4 photos / 1 video / 1 GIF')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'x.media.single_class',
    platform: 'x',
    field: 'media',
    description: 'Images, GIFs and videos are not mixed in one post.',
    check: { kind: 'single_media_class' },
    advice: 'or split the post into a thread',
    source: {
      kind: 'cited',
      citations: [cite('postizX', '≤4 images or 1 video'), cite('mixpostConfig', 'no mixing')],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'x.content.required',
    platform: 'x',
    field: 'text',
    description: 'A post needs text or at least one media item.',
    check: { kind: 'text_or_media' },
    source: { kind: 'postern_default', reason: NEEDS_CONTENT },
    lastVerified: DEFAULT_SET,
  },
];

const FACEBOOK_RULES: PlatformRule[] = [
  {
    id: 'facebook.text.max_length',
    platform: 'facebook',
    field: 'text',
    description: 'Post text length: 5,000 characters (the lower of two sourced limits).',
    check: { kind: 'max_length', field: 'text', limit: 5000, counting: 'utf16_code_units' },
    source: { kind: 'cited', citations: [cite('mixpostConfig', 'Page/Group 5,000')] },
    lastVerified: SURVEY_VERIFIED,
    disagreement: {
      values: [
        {
          value: 63206,
          appliesTo: 'Facebook posts',
          citations: [cite('postizFacebook', '63,206'), cite('ayrshareCharacterLimits', '63,206')],
        },
        {
          value: 5000,
          appliesTo: 'Facebook Page and Group posts',
          citations: [cite('mixpostConfig', 'Page/Group 5,000')],
        },
      ],
      chosen: 5000,
      reason:
        'Postern publishes to Pages, and one source (Mixpost) caps Page and Group posts at 5,000 while two (Postiz, Ayrshare) state 63,206. Enforcing the lower value means a post that passes is within every reading; a post over 5,000 gets a message to shorten it. Raise it when a source settles which applies to Pages.',
    },
  },
  {
    id: 'facebook.title.max_length',
    platform: 'facebook',
    field: 'title',
    description:
      'Title (used for reels): at most 255 characters. Ayrshare truncates longer titles; Postern rejects them so nothing is cut silently.',
    check: { kind: 'max_length', field: 'title', limit: 255, counting: 'utf16_code_units' },
    source: { kind: 'cited', citations: [cite('ayrshareCharacterLimits', 'reels title 255 (truncated)')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'facebook.media.max_images',
    platform: 'facebook',
    field: 'media',
    description: 'At most 10 still images (not counting GIFs) in one post.',
    check: { kind: 'max_media_of_class', mediaClass: 'image', limit: 10 },
    source: { kind: 'cited', citations: [cite('mixpostConfig', '10 photos / 1 video / 1 GIF')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'facebook.media.max_videos',
    platform: 'facebook',
    field: 'media',
    description: 'At most 1 video in one post.',
    check: { kind: 'max_media_of_class', mediaClass: 'video', limit: 1 },
    source: { kind: 'cited', citations: [cite('mixpostConfig', '10 photos / 1 video / 1 GIF')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'facebook.media.max_gifs',
    platform: 'facebook',
    field: 'media',
    description: 'At most 1 GIF (image/gif) in one post.',
    check: { kind: 'max_media_of_class', mediaClass: 'gif', limit: 1 },
    source: { kind: 'cited', citations: [cite('mixpostConfig', '10 photos / 1 video / 1 GIF')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'facebook.media.single_class',
    platform: 'facebook',
    field: 'media',
    description: 'Images, GIFs and videos are not mixed in one post.',
    check: { kind: 'single_media_class' },
    source: { kind: 'cited', citations: [cite('mixpostConfig', 'no mixing')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'facebook.content.required',
    platform: 'facebook',
    field: 'text',
    description: 'A post needs text or at least one media item.',
    check: { kind: 'text_or_media' },
    source: { kind: 'postern_default', reason: NEEDS_CONTENT },
    lastVerified: DEFAULT_SET,
  },
];

const INSTAGRAM_RULES: PlatformRule[] = [
  {
    id: 'instagram.text.max_length',
    platform: 'instagram',
    field: 'text',
    fieldLabel: 'caption',
    description: 'Caption length: at most 2,200 characters.',
    check: { kind: 'max_length', field: 'text', limit: 2200, counting: 'utf16_code_units' },
    source: {
      kind: 'cited',
      citations: [cite('postizInstagram', '2,200'), cite('ayrshareCharacterLimits', '2,200')],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'instagram.text.max_hashtags',
    platform: 'instagram',
    field: 'text',
    fieldLabel: 'caption',
    description: 'At most 5 hashtags in the caption (every #tag occurrence counts).',
    check: { kind: 'max_hashtags', limit: 5 },
    source: {
      kind: 'cited',
      citations: [
        cite('ayrshareCharacterLimits', '≤5 hashtags and ≤3 mentions'),
        cite('ayrshareInstagram', '≤5 hashtags and ≤3 mentions'),
      ],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'instagram.text.max_mentions',
    platform: 'instagram',
    field: 'text',
    fieldLabel: 'caption',
    description: 'At most 3 @mentions in the caption (every @handle occurrence counts).',
    check: { kind: 'max_mentions', limit: 3 },
    source: {
      kind: 'cited',
      citations: [
        cite('ayrshareCharacterLimits', '≤5 hashtags and ≤3 mentions'),
        cite('ayrshareInstagram', '≤5 hashtags and ≤3 mentions'),
      ],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'instagram.media.min_count',
    platform: 'instagram',
    field: 'media',
    description: 'At least 1 image or video: Instagram has no text-only posts.',
    check: { kind: 'min_media', limit: 1 },
    source: { kind: 'cited', citations: [cite('postizInstagram', '≥1 media')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'instagram.media.max_count',
    platform: 'instagram',
    field: 'media',
    description: 'At most 10 media items (a carousel).',
    check: { kind: 'max_media', limit: 10 },
    source: {
      kind: 'cited',
      citations: [
        cite('postizInstagram', 'carousel ≤10'),
        cite('ayrshareCharacterLimits', '≤10 carousel items'),
        cite('ayrshareInstagram', '≤10 carousel items'),
      ],
    },
    lastVerified: SURVEY_VERIFIED,
  },
];

const PINTEREST_RULES: PlatformRule[] = [
  {
    id: 'pinterest.text.max_length',
    platform: 'pinterest',
    field: 'text',
    fieldLabel: 'description',
    description: 'Pin description length: at most 500 characters.',
    check: { kind: 'max_length', field: 'text', limit: 500, counting: 'utf16_code_units' },
    source: {
      kind: 'cited',
      citations: [cite('postizPinterest', '500'), cite('ayrshareCharacterLimits', 'post 500')],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'pinterest.title.max_length',
    platform: 'pinterest',
    field: 'title',
    description: 'Pin title length: at most 100 characters.',
    check: { kind: 'max_length', field: 'title', limit: 100, counting: 'utf16_code_units' },
    source: { kind: 'cited', citations: [cite('ayrshareCharacterLimits', 'title 100')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'pinterest.link.max_length',
    platform: 'pinterest',
    field: 'link',
    description: 'Destination link length: at most 2,048 characters.',
    check: { kind: 'max_length', field: 'link', limit: 2048, counting: 'utf16_code_units' },
    source: { kind: 'cited', citations: [cite('ayrshareCharacterLimits', 'link 2,048')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'pinterest.link.http_url',
    platform: 'pinterest',
    field: 'link',
    description: 'Destination link, when given, is an absolute http(s) URL.',
    check: { kind: 'http_url', field: 'link' },
    source: { kind: 'postern_default', reason: LINK_IS_URL },
    lastVerified: DEFAULT_SET,
  },
  {
    id: 'pinterest.media.min_count',
    platform: 'pinterest',
    field: 'media',
    description: 'At least 1 media item: a pin is an image or a video.',
    check: { kind: 'min_media', limit: 1 },
    source: { kind: 'cited', citations: [cite('postizPinterest', '1–5 media')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'pinterest.media.max_count',
    platform: 'pinterest',
    field: 'media',
    description: 'At most 5 media items.',
    check: { kind: 'max_media', limit: 5 },
    source: { kind: 'cited', citations: [cite('postizPinterest', '1–5 media')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'pinterest.media.video_with_cover',
    platform: 'pinterest',
    field: 'media',
    description: 'A video pin has exactly 2 items: the video and one cover image.',
    check: { kind: 'video_with_cover_image' },
    source: {
      kind: 'cited',
      citations: [cite('postizPinterest', 'video needs exactly 2 items (video + cover image)')],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'pinterest.media.same_dimensions',
    platform: 'pinterest',
    field: 'media',
    description:
      'Images in a multi-image pin share one width × height. Items without known dimensions are not compared.',
    check: { kind: 'same_image_dimensions' },
    source: { kind: 'cited', citations: [cite('postizPinterest', 'multiple images must share dimensions')] },
    lastVerified: SURVEY_VERIFIED,
  },
];

const YOUTUBE_RULES: PlatformRule[] = [
  {
    id: 'youtube.text.max_length',
    platform: 'youtube',
    field: 'text',
    fieldLabel: 'description',
    description: 'Video description (the post text): at most 5,000 characters.',
    check: { kind: 'max_length', field: 'text', limit: 5000, counting: 'utf16_code_units' },
    source: {
      kind: 'cited',
      citations: [cite('postizYoutube', 'description 5,000'), cite('ayrshareCharacterLimits', 'post 5,000')],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'youtube.title.required',
    platform: 'youtube',
    field: 'title',
    description: 'A video title is required.',
    check: { kind: 'required', field: 'title' },
    source: {
      kind: 'postern_default',
      reason:
        'A YouTube video is always published with a title, and the survey gives only its maximum (Ayrshare, 100). Postern requires one rather than invent a title for the caller.',
    },
    lastVerified: DEFAULT_SET,
  },
  {
    id: 'youtube.title.max_length',
    platform: 'youtube',
    field: 'title',
    description: 'Video title: at most 100 characters.',
    check: { kind: 'max_length', field: 'title', limit: 100, counting: 'utf16_code_units' },
    source: { kind: 'cited', citations: [cite('ayrshareCharacterLimits', 'title 100')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'youtube.media.min_count',
    platform: 'youtube',
    field: 'media',
    description: 'Exactly one media item: at least 1.',
    check: { kind: 'min_media', limit: 1 },
    advice: '(a video; YouTube takes nothing else)',
    source: { kind: 'cited', citations: [cite('postizYoutube', 'exactly one media and it must be a video')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'youtube.media.max_count',
    platform: 'youtube',
    field: 'media',
    description: 'Exactly one media item: at most 1.',
    check: { kind: 'max_media', limit: 1 },
    source: { kind: 'cited', citations: [cite('postizYoutube', 'exactly one media and it must be a video')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'youtube.media.allowed_kinds',
    platform: 'youtube',
    field: 'media',
    description: 'The media item is a video.',
    check: { kind: 'allowed_kinds', kinds: ['video'] },
    source: { kind: 'cited', citations: [cite('postizYoutube', 'exactly one media and it must be a video')] },
    lastVerified: SURVEY_VERIFIED,
  },
];

const GMB_RULES: PlatformRule[] = [
  {
    id: 'gmb.text.max_length',
    platform: 'gmb',
    field: 'text',
    description: 'Post text length: at most 1,500 characters.',
    check: { kind: 'max_length', field: 'text', limit: 1500, counting: 'utf16_code_units' },
    source: { kind: 'cited', citations: [cite('postizGmb', '1,500'), cite('ayrshareCharacterLimits', '1,500')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'gmb.title.max_length',
    platform: 'gmb',
    field: 'title',
    fieldLabel: 'event title',
    description: 'Title, which Google Business Profile uses as an event title: at most 58 characters.',
    check: { kind: 'max_length', field: 'title', limit: 58, counting: 'utf16_code_units' },
    source: {
      kind: 'cited',
      citations: [cite('ayrshareCharacterLimits', 'event title 58'), cite('postizGmb', '`EVENT` needs `eventTitle`')],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'gmb.link.http_url',
    platform: 'gmb',
    field: 'link',
    fieldLabel: 'call-to-action link',
    description: 'Call-to-action link, when given, is an absolute http(s) URL.',
    check: { kind: 'http_url', field: 'link' },
    source: { kind: 'postern_default', reason: LINK_IS_URL },
    lastVerified: DEFAULT_SET,
  },
  {
    id: 'gmb.media.max_count',
    platform: 'gmb',
    field: 'media',
    description: 'At most 1 media item.',
    check: { kind: 'max_media', limit: 1 },
    source: { kind: 'cited', citations: [cite('postizGmb', '≤1 image')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'gmb.media.allowed_kinds',
    platform: 'gmb',
    field: 'media',
    description: 'Images only: no video.',
    check: { kind: 'allowed_kinds', kinds: ['image'] },
    source: { kind: 'cited', citations: [cite('postizGmb', '≤1 image; no video')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'gmb.content.required',
    platform: 'gmb',
    field: 'text',
    description: 'A post needs text or at least one media item.',
    check: { kind: 'text_or_media' },
    source: { kind: 'postern_default', reason: NEEDS_CONTENT },
    lastVerified: DEFAULT_SET,
  },
];

const LINKEDIN_RULES: PlatformRule[] = [
  {
    id: 'linkedin.text.max_length',
    platform: 'linkedin',
    field: 'text',
    description: 'Post text length: at most 3,000 characters.',
    check: { kind: 'max_length', field: 'text', limit: 3000, counting: 'utf16_code_units' },
    source: {
      kind: 'cited',
      citations: [cite('postizLinkedin', '3,000'), cite('ayrshareCharacterLimits', 'post 3,000')],
    },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'linkedin.title.max_length',
    platform: 'linkedin',
    field: 'title',
    description: 'Title: at most 400 characters.',
    check: { kind: 'max_length', field: 'title', limit: 400, counting: 'utf16_code_units' },
    source: { kind: 'cited', citations: [cite('ayrshareCharacterLimits', 'title 400')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'linkedin.media.video_alone',
    platform: 'linkedin',
    field: 'media',
    description: 'A post with a video has no other media.',
    check: { kind: 'video_stands_alone' },
    source: { kind: 'cited', citations: [cite('postizLinkedin', 'a video means max 1 media')] },
    lastVerified: SURVEY_VERIFIED,
  },
  {
    id: 'linkedin.content.required',
    platform: 'linkedin',
    field: 'text',
    description: 'A post needs text or at least one media item.',
    check: { kind: 'text_or_media' },
    source: { kind: 'postern_default', reason: NEEDS_CONTENT },
    lastVerified: DEFAULT_SET,
  },
];

export const PLATFORM_RULE_REGISTRY: PlatformRuleRegistry = deepFreeze({
  version: '2026-11-21.1',
  rules: [
    ...FACEBOOK_RULES,
    ...INSTAGRAM_RULES,
    ...PINTEREST_RULES,
    ...YOUTUBE_RULES,
    ...GMB_RULES,
    ...LINKEDIN_RULES,
    ...X_RULES,
  ],
});
