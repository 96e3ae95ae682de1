/** Links, hashtags and mentions as the rules find them in post text. */

export interface FoundUrl {
  start: number;
  end: number;
  text: string;
  /** `http://` or `https://` written out; bare domains (`example.com/page`) have none. */
  hasScheme: boolean;
}

const SCHEME_URL = /https?:\/\/[^\s<>"]+/giu;
const BARE_DOMAIN =
  /(?<![\p{L}\p{N}\p{M}_@./-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}(?::\d{1,5})?(?:\/[^\s<>"]*)?/gu;
const HOST_WITH_TLD = /\.(?:\p{L}{2,}|xn--[\p{L}\p{N}-]+)(?::\d{1,5})?$/iu;
/** Punctuation that ends a sentence rather than a link: "see https://example.com." */
const TRAILING_PUNCTUATION = /[.,:;!?'")\]}]+$/u;

const HASHTAG = /(?<![\p{L}\p{N}\p{M}_&#])#[\p{L}\p{M}\p{N}_]+/gu;
const MENTION = /(?<![\p{L}\p{N}\p{M}_.@])@[A-Za-z0-9._]+/gu;

/** Links with a scheme and a dotted host, then bare domains in the text between them; in text order. */
export function findUrls(text: string): FoundUrl[] {
  const found: FoundUrl[] = [];
  let cursor = 0;
  for (const match of text.matchAll(SCHEME_URL)) {
    const candidate = trimTrailingPunctuation(match[0]);
    const host = candidate.replace(/^https?:\/\//iu, '').split(/[/?#]/u)[0];
    if (!HOST_WITH_TLD.test(host)) continue;
    found.push(...findBareDomains(text, cursor, match.index));
    found.push({ start: match.index, end: match.index + candidate.length, text: candidate, hasScheme: true });
    cursor = match.index + candidate.length;
  }
  found.push(...findBareDomains(text, cursor, text.length));
  return found;
}

function findBareDomains(text: string, from: number, to: number): FoundUrl[] {
  const span = text.slice(from, to);
  const found: FoundUrl[] = [];
  for (const match of span.matchAll(BARE_DOMAIN)) {
    const candidate = trimTrailingPunctuation(match[0]);
    const start = from + match.index;
    found.push({ start, end: start + candidate.length, text: candidate, hasScheme: false });
  }
  return found;
}

function trimTrailingPunctuation(candidate: string): string {
  return candidate.replace(TRAILING_PUNCTUATION, '');
}

/** Every `#tag` occurrence, repeats included (a platform that caps hashtags may count repeats). */
export function countHashtags(text: string): number {
  return [...text.matchAll(HASHTAG)].length;
}

/** Every `@handle` occurrence; an e-mail address is not a mention. */
export function countMentions(text: string): number {
  return [...text.matchAll(MENTION)].length;
}

/** An absolute http(s) URL with a host, e.g. `https://example.com/page`. */
export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
}
