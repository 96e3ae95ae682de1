import { platformName, violation, type CheckContext, type CheckOf } from './check-context';
import type { CapabilityLimit, RuleViolation, TextCounting, TextField } from './rule-types';
import { countHashtags, countMentions, isHttpUrl } from './text-entities';
import { measureText } from './text-length';
import { count, fix, formatNumber, quote } from './violation-wording';

/** Length of text, title or link, in the rule's counting; an absent title or link is not measured. */
export function checkMaxLength(context: CheckContext<CheckOf<'max_length'>>): RuleViolation[] {
  const { check } = context;
  const value = fieldValue(context, check.field);
  if (value === undefined) return [];
  const limit = effectiveLimit(check.limit, check.raisedBy, context.capabilities);
  const actual = measureText(value, check.counting);
  if (actual <= limit) return [];
  const label = labelOf(context, check.field);
  const where = check.field === 'text' && !context.rule.fieldLabel ? '' : ` in the ${label}`;
  return [
    violation(context, {
      message:
        `${platformName(context)} allows ${formatNumber(limit)} characters${where}; ` +
        `this ${label} has ${formatNumber(actual)}${countingNote(value, check.counting)}. ` +
        fix(`Shorten it by ${formatNumber(actual - limit)}`, context.rule.advice),
      limit,
      actual,
    }),
  ];
}

export function checkRequired(context: CheckContext<CheckOf<'required'>>): RuleViolation[] {
  const value = fieldValue(context, context.check.field);
  if (value !== undefined && value.trim() !== '') return [];
  const label = labelOf(context, context.check.field);
  return [
    violation(context, {
      message: `${platformName(context)} needs a ${label}; this post has none. ${fix(`Add a ${label}`, context.rule.advice)}`,
      limit: 'required',
      actual: 'missing',
    }),
  ];
}

export function checkTextOrMedia(context: CheckContext<CheckOf<'text_or_media'>>): RuleViolation[] {
  const { text, media } = context.content;
  if (text.trim() !== '' || media.length > 0) return [];
  return [
    violation(context, {
      message: `${platformName(context)} needs text or at least one media item; this post has neither. Add text or attach media.`,
      limit: 'text or at least 1 media item',
      actual: 'neither',
    }),
  ];
}

export function checkMaxHashtags(context: CheckContext<CheckOf<'max_hashtags'>>): RuleViolation[] {
  return checkEntityCount(context, context.check.limit, countHashtags(context.content.text), 'hashtag');
}

export function checkMaxMentions(context: CheckContext<CheckOf<'max_mentions'>>): RuleViolation[] {
  return checkEntityCount(context, context.check.limit, countMentions(context.content.text), '@mention');
}

export function checkHttpUrl(context: CheckContext<CheckOf<'http_url'>>): RuleViolation[] {
  const link = context.content.link;
  if (!link || isHttpUrl(link)) return [];
  const label = labelOf(context, 'link');
  return [
    violation(context, {
      message:
        `${platformName(context)} needs the ${label} to be an absolute http or https URL such as https://example.com/page; ` +
        `${quote(link)} is not. Give the full URL, including https://.`,
      limit: 'absolute http(s) URL',
      actual: link,
    }),
  ];
}

function checkEntityCount(context: CheckContext, limit: number, actual: number, noun: string): RuleViolation[] {
  if (actual <= limit) return [];
  const label = labelOf(context, 'text');
  return [
    violation(context, {
      message:
        `${platformName(context)} allows at most ${count(limit, noun)} in the ${label}; this ${label} has ${formatNumber(actual)}. ` +
        fix(`Remove ${formatNumber(actual - limit)}`, context.rule.advice),
      limit,
      actual,
    }),
  ];
}

function fieldValue(context: CheckContext, field: TextField): string | undefined {
  return field === 'text' ? context.content.text : context.content[field];
}

function labelOf(context: CheckContext, field: TextField): string {
  return context.rule.fieldLabel ?? field;
}

function effectiveLimit(
  limit: number,
  raisedBy: CapabilityLimit | undefined,
  capabilities: readonly CapabilityLimit['capability'][],
): number {
  return raisedBy && capabilities.includes(raisedBy.capability) ? raisedBy.limit : limit;
}

function countingNote(value: string, counting: TextCounting): string {
  if (counting === 'x_weighted') return ' as X counts it (each link 23, each emoji or CJK character 2)';
  return value.length === [...value].length ? '' : ' (emoji and some other symbols count 2)';
}
