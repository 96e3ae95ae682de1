import { deepFreeze } from './deep-freeze';
import { PLATFORM_RULE_REGISTRY } from './platform-rules';
import { PLATFORMS, type Platform } from './platforms';
import type { AccountCapability, MediaItem, PostContent } from './rule-types';
import { rulesFor, validatePost, validatePostForPlatform } from './validate-post';

const image = (overrides: Partial<MediaItem> = {}): MediaItem => ({
  kind: 'image',
  mimeType: 'image/jpeg',
  sizeBytes: 200_000,
  width: 1000,
  height: 1500,
  ...overrides,
});
const gif = (): MediaItem => image({ mimeType: 'image/gif' });
const video = (): MediaItem => ({ kind: 'video', mimeType: 'video/mp4', sizeBytes: 5_000_000, durationSeconds: 30 });
const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);
const chars = (n: number): string => 'a'.repeat(n);
const urlOfLength = (n: number): string => `https://example.com/${'p'.repeat(n - 'https://example.com/'.length)}`;

/** A post each platform accepts; boundary cases change one thing from it. */
const VALID: Record<Platform, PostContent> = {
  facebook: { text: 'Hello', media: [] },
  instagram: { text: 'Hello', media: [image()] },
  pinterest: { text: 'Hello', title: 'Pin', link: 'https://example.com', media: [image()] },
  youtube: { text: 'Hello', title: 'Video', media: [video()] },
  gmb: { text: 'Hello', link: 'https://example.com/book', media: [] },
  linkedin: { text: 'Hello', media: [] },
  x: { text: 'Hello', media: [] },
};

interface Boundary {
  /** The closest input that passes: exactly at the limit where the rule has a number. */
  pass: Partial<PostContent>;
  /** One step over: one character, one item, one kind too many. */
  fail: Partial<PostContent>;
  capabilities?: AccountCapability[];
}

const BOUNDARIES: Record<string, Boundary> = {
  'facebook.text.max_length': { pass: { text: chars(5000) }, fail: { text: chars(5001) } },
  'facebook.title.max_length': { pass: { title: chars(255) }, fail: { title: chars(256) } },
  'facebook.media.max_images': { pass: { media: times(10, image) }, fail: { media: times(11, image) } },
  'facebook.media.max_videos': { pass: { media: [video()] }, fail: { media: [video(), video()] } },
  'facebook.media.max_gifs': { pass: { media: [gif()] }, fail: { media: [gif(), gif()] } },
  'facebook.media.single_class': { pass: { media: times(10, image) }, fail: { media: [image(), video()] } },
  'facebook.content.required': { pass: { text: 'a', media: [] }, fail: { text: '', media: [] } },

  'instagram.text.max_length': { pass: { text: chars(2200) }, fail: { text: chars(2201) } },
  'instagram.text.max_hashtags': { pass: { text: '#a #b #c #d #e' }, fail: { text: '#a #b #c #d #e #f' } },
  'instagram.text.max_mentions': { pass: { text: '@a @b @c' }, fail: { text: '@a @b @c @d' } },
  'instagram.media.min_count': { pass: { media: [image()] }, fail: { media: [] } },
  'instagram.media.max_count': { pass: { media: times(10, image) }, fail: { media: times(11, image) } },

  'pinterest.text.max_length': { pass: { text: chars(500) }, fail: { text: chars(501) } },
  'pinterest.title.max_length': { pass: { title: chars(100) }, fail: { title: chars(101) } },
  'pinterest.link.max_length': { pass: { link: urlOfLength(2048) }, fail: { link: urlOfLength(2049) } },
  'pinterest.link.http_url': { pass: { link: 'https://example.com/p' }, fail: { link: 'example.com/p' } },
  'pinterest.media.min_count': { pass: { media: [image()] }, fail: { media: [] } },
  'pinterest.media.max_count': { pass: { media: times(5, image) }, fail: { media: times(6, image) } },
  'pinterest.media.video_with_cover': { pass: { media: [video(), image()] }, fail: { media: [video()] } },
  'pinterest.media.same_dimensions': {
    pass: { media: [image(), image()] },
    fail: { media: [image(), image({ height: 1000 })] },
  },

  'youtube.text.max_length': { pass: { text: chars(5000) }, fail: { text: chars(5001) } },
  'youtube.title.required': { pass: { title: 'T' }, fail: { title: undefined } },
  'youtube.title.max_length': { pass: { title: chars(100) }, fail: { title: chars(101) } },
  'youtube.media.min_count': { pass: { media: [video()] }, fail: { media: [] } },
  'youtube.media.max_count': { pass: { media: [video()] }, fail: { media: [video(), video()] } },
  'youtube.media.allowed_kinds': { pass: { media: [video()] }, fail: { media: [image()] } },

  'gmb.text.max_length': { pass: { text: chars(1500) }, fail: { text: chars(1501) } },
  'gmb.title.max_length': { pass: { title: chars(58) }, fail: { title: chars(59) } },
  'gmb.link.http_url': { pass: { link: 'http://example.com' }, fail: { link: 'book now' } },
  'gmb.media.max_count': { pass: { media: [image()] }, fail: { media: [image(), image()] } },
  'gmb.media.allowed_kinds': { pass: { media: [image()] }, fail: { media: [video()] } },
  'gmb.content.required': { pass: { text: 'a', media: [] }, fail: { text: ' ', media: [] } },

  'linkedin.text.max_length': { pass: { text: chars(3000) }, fail: { text: chars(3001) } },
  'linkedin.title.max_length': { pass: { title: chars(400) }, fail: { title: chars(401) } },
  'linkedin.media.video_alone': { pass: { media: [video()] }, fail: { media: [video(), image()] } },
  'linkedin.content.required': { pass: { text: '', media: [image()] }, fail: { text: '', media: [] } },

  'x.text.max_length': { pass: { text: chars(280) }, fail: { text: chars(281) } },
  'x.media.max_images': { pass: { media: times(4, image) }, fail: { media: times(5, image) } },
  'x.media.max_videos': { pass: { media: [video()] }, fail: { media: [video(), video()] } },
  'x.media.max_gifs': { pass: { media: [gif()] }, fail: { media: [gif(), gif()] } },
  'x.media.single_class': { pass: { media: times(4, image) }, fail: { media: [image(), gif()] } },
  'x.content.required': { pass: { text: '', media: [image()] }, fail: { text: '\n', media: [] } },
};

const platformOf = (ruleId: string): Platform => ruleId.split('.')[0] as Platform;
const idsOf = (violations: readonly { ruleId: string }[]): string[] => violations.map((v) => v.ruleId);

describe(validatePostForPlatform.name, () => {
  it('has a boundary case for every rule in the registry, and none for a rule that does not exist', () => {
    expect(Object.keys(BOUNDARIES).sort()).toEqual(PLATFORM_RULE_REGISTRY.rules.map((rule) => rule.id).sort());
  });

  it.each(PLATFORMS)('accepts the baseline %s post', (platform) => {
    expect(validatePostForPlatform(VALID[platform], platform)).toEqual([]);
  });

  describe.each(Object.entries(BOUNDARIES))('%s', (ruleId, boundary) => {
    const platform = platformOf(ruleId);

    it('passes at the limit', () => {
      const violations = validatePostForPlatform(
        { ...VALID[platform], ...boundary.pass },
        platform,
        boundary.capabilities,
      );
      expect(idsOf(violations)).not.toContain(ruleId);
    });

    it('fails one over, with a message, the limit and the actual value', () => {
      const violations = validatePostForPlatform(
        { ...VALID[platform], ...boundary.fail },
        platform,
        boundary.capabilities,
      );
      const mine = violations.filter((violation) => violation.ruleId === ruleId);
      expect(mine).toHaveLength(1);
      expect(mine[0].platform).toBe(platform);
      expect(mine[0].message.length).toBeGreaterThan(30);
      expect(mine[0].limit).toBeDefined();
      expect(mine[0].actual).toBeDefined();
      expect(mine[0].limit).not.toEqual(mine[0].actual);
    });
  });

  it('returns every violation, not just the first', () => {
    const post: PostContent = { text: `${chars(2190)} #a #b #c #d #e #f`, media: times(11, image) };
    expect(idsOf(validatePostForPlatform(post, 'instagram')).sort()).toEqual([
      'instagram.media.max_count',
      'instagram.text.max_hashtags',
      'instagram.text.max_length',
    ]);

    const youtube = validatePostForPlatform({ text: chars(5001), media: [image(), image()] }, 'youtube');
    expect(youtube.map((v) => [v.ruleId, v.field])).toEqual([
      ['youtube.text.max_length', 'text'],
      ['youtube.title.required', 'title'],
      ['youtube.media.max_count', 'media'],
      ['youtube.media.allowed_kinds', 'media[0]'],
      ['youtube.media.allowed_kinds', 'media[1]'],
    ]);
  });

  it('writes length messages a model can act on', () => {
    const [violation] = validatePostForPlatform({ text: chars(312), media: [] }, 'x');
    expect(violation).toEqual({
      ruleId: 'x.text.max_length',
      platform: 'x',
      field: 'text',
      message:
        'X allows 280 characters; this text has 312 as X counts it (each link 23, each emoji or CJK character 2). Shorten it by 32 or split it into a thread.',
      limit: 280,
      actual: 312,
    });
    const [youtube] = validatePostForPlatform({ ...VALID.youtube, text: chars(5003) }, 'youtube');
    expect(youtube.message).toBe(
      'YouTube allows 5,000 characters in the description; this description has 5,003. Shorten it by 3.',
    );
  });

  it('names the offending item and what to do for media rules', () => {
    const [violation] = validatePostForPlatform({ text: 'Hi', media: [image(), video()] }, 'gmb');
    expect(violation.field).toBe('media');
    const kinds = validatePostForPlatform({ text: 'Hi', media: [video()] }, 'gmb');
    expect(kinds).toEqual([
      expect.objectContaining({
        ruleId: 'gmb.media.allowed_kinds',
        field: 'media[0]',
        message:
          'Google Business Profile accepts only images; media[0] is a video (video/mp4). Remove it or replace it with an image.',
      }),
    ]);
    const [empty] = validatePostForPlatform({ ...VALID.youtube, media: [] }, 'youtube');
    expect(empty.message).toBe(
      'YouTube needs at least 1 media item; this post has 0. Attach 1 more media item (a video; YouTube takes nothing else).',
    );
    const pin = validatePostForPlatform({ ...VALID.pinterest, media: [video(), image(), image()] }, 'pinterest');
    expect(pin.find((v) => v.ruleId === 'pinterest.media.video_with_cover')?.message).toContain(
      'Keep 1 cover image (remove 1)',
    );
  });

  it('says when a caption is counted in UTF-16 units, where emoji count 2', () => {
    const [violation] = validatePostForPlatform({ ...VALID.instagram, text: `${chars(2199)}😀` }, 'instagram');
    expect(violation).toMatchObject({ ruleId: 'instagram.text.max_length', limit: 2200, actual: 2201 });
    expect(violation.message).toContain('emoji and some other symbols count 2');
  });

  describe('X weighted length', () => {
    const url = `https://example.com/${'x'.repeat(100)}`;

    it('counts a link as 23 whatever its length', () => {
      expect(validatePostForPlatform({ text: `${chars(256)} ${url}`, media: [] }, 'x')).toEqual([]);
      const [violation] = validatePostForPlatform({ text: `${chars(257)} ${url}`, media: [] }, 'x');
      expect(violation).toMatchObject({ ruleId: 'x.text.max_length', limit: 280, actual: 281 });
    });

    it('counts CJK characters and emoji as 2', () => {
      expect(validatePostForPlatform({ text: '日'.repeat(140), media: [] }, 'x')).toEqual([]);
      expect(validatePostForPlatform({ text: '日'.repeat(141), media: [] }, 'x')[0]).toMatchObject({ actual: 282 });
      expect(validatePostForPlatform({ text: '😀'.repeat(140), media: [] }, 'x')).toEqual([]);
      expect(validatePostForPlatform({ text: `${'😀'.repeat(140)}a`, media: [] }, 'x')[0]).toMatchObject({
        actual: 281,
      });
    });

    it('allows 4,000 only when the account declares x_premium_long_posts', () => {
      const atPremiumLimit = { text: chars(4000), media: [] };
      expect(validatePostForPlatform(atPremiumLimit, 'x', ['x_premium_long_posts'])).toEqual([]);
      expect(validatePostForPlatform(atPremiumLimit, 'x')[0]).toMatchObject({ limit: 280, actual: 4000 });
      const [over] = validatePostForPlatform({ text: chars(4001), media: [] }, 'x', ['x_premium_long_posts']);
      expect(over).toMatchObject({ ruleId: 'x.text.max_length', limit: 4000, actual: 4001 });
    });
  });

  it('applies only the capabilities that raise a rule of that platform', () => {
    const long = { text: chars(5001), media: [] };
    expect(idsOf(validatePostForPlatform(long, 'facebook', ['x_premium_long_posts']))).toEqual([
      'facebook.text.max_length',
    ]);
  });

  it('ignores dimensions it does not know when comparing Pinterest images', () => {
    const media = [image(), image({ width: undefined, height: undefined })];
    expect(validatePostForPlatform({ ...VALID.pinterest, media }, 'pinterest')).toEqual([]);
  });
});

describe(validatePost.name, () => {
  it('returns an entry for every requested platform, empty when valid', () => {
    const result = validatePost({ text: 'Hello', media: [image()] }, ['instagram', 'x', 'youtube']);
    expect(Object.keys(result)).toEqual(['instagram', 'x', 'youtube']);
    expect(result.instagram).toEqual([]);
    expect(result.x).toEqual([]);
    expect(idsOf(result.youtube ?? [])).toEqual(['youtube.title.required', 'youtube.media.allowed_kinds']);
  });

  it('applies each platform override to that platform only', () => {
    const post = {
      text: chars(300),
      media: [image()],
      overrides: {
        x: { text: 'Short for X' },
        youtube: { title: 'Launch', media: [video()] },
      },
    };
    const result = validatePost(post, ['x', 'linkedin', 'youtube', 'pinterest']);
    expect(result.x).toEqual([]);
    expect(result.linkedin).toEqual([]);
    expect(result.youtube).toEqual([]);
    expect(idsOf(result.pinterest ?? [])).toEqual([]);
    expect(idsOf(validatePost(post, ['instagram']).instagram ?? [])).toEqual([]);
    expect(idsOf(validatePost({ ...post, overrides: {} }, ['x']).x ?? [])).toEqual(['x.text.max_length']);
  });

  it('applies capabilities per platform', () => {
    const post = { text: chars(1000), media: [] };
    const result = validatePost(post, ['x', 'linkedin'], { x: ['x_premium_long_posts'] });
    expect(result).toEqual({ x: [], linkedin: [] });
    expect(idsOf(validatePost(post, ['x']).x ?? [])).toEqual(['x.text.max_length']);
  });

  it('is pure: does not change its input and gives the same answer twice', () => {
    const post = deepFreeze({ text: chars(600), media: [video()], overrides: { pinterest: { title: chars(101) } } });
    const first = validatePost(post, [...PLATFORMS]);
    expect(validatePost(post, [...PLATFORMS])).toEqual(first);
    expect(idsOf(first.pinterest ?? [])).toEqual([
      'pinterest.text.max_length',
      'pinterest.title.max_length',
      'pinterest.media.video_with_cover',
    ]);
  });
});

describe(rulesFor.name, () => {
  it('returns the frozen rules of one platform', () => {
    expect(rulesFor('gmb').every((rule) => rule.platform === 'gmb')).toBe(true);
    expect(Object.isFrozen(rulesFor('gmb')[0])).toBe(true);
  });
});
