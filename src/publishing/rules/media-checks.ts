import { platformName, violation, type CheckContext, type CheckOf } from './check-context';
import type { MediaClass, MediaItem, RuleViolation } from './rule-types';
import { article, count, fix, formatNumber } from './violation-wording';

const CLASS_NOUNS: Readonly<Record<MediaClass, string>> = { image: 'still image', gif: 'GIF', video: 'video' };

/** A GIF is an image by kind, but platforms that cap media per class count it on its own. */
export function mediaClassOf(item: MediaItem): MediaClass {
  if (item.kind === 'video') return 'video';
  return item.mimeType.split(';')[0].trim().toLowerCase() === 'image/gif' ? 'gif' : 'image';
}

export function checkMinMedia(context: CheckContext<CheckOf<'min_media'>>): RuleViolation[] {
  const { limit } = context.check;
  const actual = context.content.media.length;
  if (actual >= limit) return [];
  return [
    violation(context, {
      message:
        `${platformName(context)} needs at least ${count(limit, 'media item')}; this post has ${formatNumber(actual)}. ` +
        fix(`Attach ${count(limit - actual, 'more media item', 'more media items')}`, context.rule.advice),
      limit,
      actual,
    }),
  ];
}

export function checkMaxMedia(context: CheckContext<CheckOf<'max_media'>>): RuleViolation[] {
  const { limit } = context.check;
  const actual = context.content.media.length;
  if (actual <= limit) return [];
  return [
    violation(context, {
      message:
        `${platformName(context)} allows at most ${count(limit, 'media item')}; this post has ${formatNumber(actual)}. ` +
        fix(`Remove ${formatNumber(actual - limit)}`, context.rule.advice),
      limit,
      actual,
    }),
  ];
}

export function checkMaxMediaOfClass(context: CheckContext<CheckOf<'max_media_of_class'>>): RuleViolation[] {
  const { limit, mediaClass } = context.check;
  const actual = context.content.media.filter((item) => mediaClassOf(item) === mediaClass).length;
  if (actual <= limit) return [];
  const noun = CLASS_NOUNS[mediaClass];
  return [
    violation(context, {
      message:
        `${platformName(context)} allows at most ${count(limit, noun)} in one post; this post has ${formatNumber(actual)}. ` +
        fix(`Remove ${formatNumber(actual - limit)}`, context.rule.advice),
      limit,
      actual,
    }),
  ];
}

/** One violation per item of a kind the platform does not take, so the caller knows which to replace. */
export function checkAllowedKinds(context: CheckContext<CheckOf<'allowed_kinds'>>): RuleViolation[] {
  const { kinds } = context.check;
  const accepted = kinds.map((kind) => `${kind}s`).join(' and ');
  return context.content.media.flatMap((item, index) =>
    kinds.includes(item.kind)
      ? []
      : [
          violation(context, {
            field: `media[${index}]`,
            message:
              `${platformName(context)} accepts only ${accepted}; media[${index}] is ${article(item.kind)} (${item.mimeType}). ` +
              fix(`Remove it or replace it with ${article(kinds[0])}`, context.rule.advice),
            limit: kinds.join(' or '),
            actual: item.kind,
          }),
        ],
  );
}

export function checkSingleMediaClass(context: CheckContext<CheckOf<'single_media_class'>>): RuleViolation[] {
  const tally = tallyClasses(context.content.media);
  const present = (Object.keys(tally) as MediaClass[]).filter((mediaClass) => tally[mediaClass] > 0);
  if (present.length <= 1) return [];
  const described = present.map((mediaClass) => count(tally[mediaClass], CLASS_NOUNS[mediaClass])).join(' and ');
  return [
    violation(context, {
      message:
        `${platformName(context)} does not mix still images, GIFs and videos in one post; this post has ${described}. ` +
        fix('Keep one kind', context.rule.advice),
      limit: 'one of: still images, GIFs, videos',
      actual: present.join(', '),
    }),
  ];
}

export function checkVideoStandsAlone(context: CheckContext<CheckOf<'video_stands_alone'>>): RuleViolation[] {
  const { media } = context.content;
  const videos = media.filter((item) => item.kind === 'video').length;
  if (videos === 0 || media.length <= 1) return [];
  return [
    violation(context, {
      message:
        `${platformName(context)} allows a video only as the sole media item; this post has ${count(media.length, 'media item')}, ` +
        `${count(videos, 'video')} among them. ${fix('Post one video on its own and move the other media to another post', context.rule.advice)}`,
      limit: 1,
      actual: media.length,
    }),
  ];
}

export function checkVideoWithCoverImage(context: CheckContext<CheckOf<'video_with_cover_image'>>): RuleViolation[] {
  const { media } = context.content;
  const videos = media.filter((item) => item.kind === 'video').length;
  const images = media.length - videos;
  if (videos === 0 || (videos === 1 && images === 1)) return [];
  const changes = [
    videos > 1 ? `keep 1 video (remove ${formatNumber(videos - 1)})` : '',
    images === 0 ? 'add 1 cover image' : '',
    images > 1 ? `keep 1 cover image (remove ${formatNumber(images - 1)})` : '',
  ].filter(Boolean);
  return [
    violation(context, {
      message:
        `${platformName(context)} needs a video pin to have exactly 2 media items, the video and one cover image; ` +
        `this post has ${count(videos, 'video')} and ${count(images, 'image')}. ` +
        fix(capitalise(changes.join(' and ')), context.rule.advice),
      limit: '1 video + 1 cover image',
      actual: `${count(videos, 'video')} + ${count(images, 'image')}`,
    }),
  ];
}

/** Compares only images whose width and height are both known. */
export function checkSameImageDimensions(context: CheckContext<CheckOf<'same_image_dimensions'>>): RuleViolation[] {
  const sizes = new Map<string, number[]>();
  context.content.media.forEach((item, index) => {
    if (item.kind !== 'image' || item.width === undefined || item.height === undefined) return;
    const size = `${item.width}×${item.height}`;
    sizes.set(size, [...(sizes.get(size) ?? []), index]);
  });
  if (sizes.size <= 1) return [];
  const found = [...sizes].map(([size, indexes]) => `${size} (${indexes.map((i) => `media[${i}]`).join(', ')})`);
  return [
    violation(context, {
      message:
        `${platformName(context)} needs every image in a pin to have the same width and height; found ${found.join(', ')}. ` +
        fix('Crop or resize the images to one size', context.rule.advice),
      limit: 'one width × height',
      actual: [...sizes.keys()].join(', '),
    }),
  ];
}

function tallyClasses(media: readonly MediaItem[]): Record<MediaClass, number> {
  const tally: Record<MediaClass, number> = { image: 0, gif: 0, video: 0 };
  for (const item of media) tally[mediaClassOf(item)] += 1;
  return tally;
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
