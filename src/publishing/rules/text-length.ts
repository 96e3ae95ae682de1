import { deepFreeze } from './deep-freeze';
import type { RuleSource, TextCounting } from './rule-types';
import { findUrls } from './text-entities';

/**
 * How lengths are measured. Neither method is stated by the survey's sources (they give limits,
 * not counting), so both are Postern defaults chosen to err towards counting more: a text that
 * passes here should not be rejected for length by the platform.
 */
export const TEXT_COUNTING: Readonly<Record<TextCounting, { description: string; source: RuleSource }>> = deepFreeze({
  utf16_code_units: {
    description:
      'UTF-16 code units (JavaScript string length): most characters count 1; emoji and characters outside the Basic Multilingual Plane count 2.',
    source: {
      kind: 'postern_default',
      reason:
        'The sources give limits in "characters" without saying how they count. UTF-16 units never count fewer than code points or graphemes, so this is the strictest plausible reading.',
    },
  },
  x_weighted: {
    description:
      'X weighting: text is NFC-normalised; a link with http(s):// counts 23; a bare domain counts 23 or its own length if longer; an emoji sequence (including ZWJ sequences, flags and keycaps) counts 2; other characters count 1 in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037 (Latin, Greek, Cyrillic, Indic scripts, common punctuation) and 2 elsewhere (CJK, Japanese, Korean, symbols).',
    source: {
      kind: 'postern_default',
      reason:
        'The survey records X\'s 280 limit but not how X counts. This approximates the weighting of X\'s open-source twitter-text library from memory; it is not verified against a survey source. It leans strict where unsure: a bare domain X might not link counts at least its own length (so does a word.word token such as "end.Next", which over-counts). Known gap: an http(s) link whose top-level domain X does not recognise counts 23 here but its full length on X.',
    },
  },
});

export const X_URL_WEIGHT = 23;

/** Code point ranges X counts as 1; everything else counts 2. */
const X_LIGHT_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x10ff],
  [0x2000, 0x200d],
  [0x2010, 0x201f],
  [0x2032, 0x2037],
];

const EMOJI_CLUSTER = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function measureText(text: string, counting: TextCounting): number {
  switch (counting) {
    case 'utf16_code_units':
      return text.length;
    case 'x_weighted':
      return countXWeightedLength(text);
  }
}

export function countXWeightedLength(text: string): number {
  const normalized = text.normalize('NFC');
  let total = 0;
  let cursor = 0;
  for (const url of findUrls(normalized)) {
    total += weighPlainText(normalized.slice(cursor, url.start));
    total += url.hasScheme ? X_URL_WEIGHT : Math.max(X_URL_WEIGHT, weighPlainText(url.text));
    cursor = url.end;
  }
  return total + weighPlainText(normalized.slice(cursor));
}

function weighPlainText(text: string): number {
  let total = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (EMOJI_CLUSTER.test(segment)) {
      total += 2;
      continue;
    }
    for (const char of segment) total += weighCodePoint(char.codePointAt(0) ?? 0);
  }
  return total;
}

function weighCodePoint(codePoint: number): number {
  return X_LIGHT_RANGES.some(([low, high]) => codePoint >= low && codePoint <= high) ? 1 : 2;
}
