import { countHashtags, countMentions, findUrls, isHttpUrl } from './text-entities';
import { countXWeightedLength, measureText, TEXT_COUNTING, X_URL_WEIGHT } from './text-length';

describe(countXWeightedLength.name, () => {
  it('counts Latin letters, digits, spaces and common punctuation as 1', () => {
    expect(countXWeightedLength('Hello, world!')).toBe(13);
    expect(countXWeightedLength('a'.repeat(280))).toBe(280);
    expect(countXWeightedLength('“quoted” — ‘text’')).toBe(17);
    expect(countXWeightedLength('Привет, Ελλάδα, नमस्ते')).toBe([...'Привет, Ελλάδα, नमस्ते'].length);
  });

  it('counts every link with a scheme as 23, however long or short', () => {
    expect(countXWeightedLength('https://x.co')).toBe(X_URL_WEIGHT);
    expect(countXWeightedLength(`https://example.com/${'long-path/'.repeat(20)}?q=1#top`)).toBe(X_URL_WEIGHT);
    expect(countXWeightedLength('http://example.org')).toBe(X_URL_WEIGHT);
  });

  it('counts the text around a link normally, including sentence punctuation after it', () => {
    expect(countXWeightedLength('see https://example.com/page.')).toBe(4 + 23 + 1);
    expect(countXWeightedLength('a https://a.io b https://b.io')).toBe(2 + 23 + 3 + 23);
  });

  it('counts a bare domain as 23, or as its own length when longer (X may not link it)', () => {
    expect(countXWeightedLength('example.com')).toBe(23);
    const long = `example.com/${'p'.repeat(40)}`;
    expect(countXWeightedLength(long)).toBe(long.length);
  });

  it('does not treat an e-mail address or a host without a top-level domain as a link', () => {
    expect(countXWeightedLength('me@example.com')).toBe(14);
    expect(countXWeightedLength('http://localhost/x')).toBe(18);
  });

  it('counts CJK, Japanese and Korean characters as 2', () => {
    expect(countXWeightedLength('日本語')).toBe(6);
    expect(countXWeightedLength('ひらがな')).toBe(8);
    expect(countXWeightedLength('한국어')).toBe(6);
    expect(countXWeightedLength('日'.repeat(140))).toBe(280);
  });

  it('counts each emoji sequence as 2: single, skin tone, ZWJ family, flag and keycap', () => {
    expect(countXWeightedLength('😀')).toBe(2);
    expect(countXWeightedLength('👍🏽')).toBe(2);
    expect(countXWeightedLength('👨‍👩‍👧‍👦')).toBe(2);
    expect(countXWeightedLength('🇫🇷')).toBe(2);
    expect(countXWeightedLength('1️⃣')).toBe(2);
    expect(countXWeightedLength('ok 😀')).toBe(5);
  });

  it('normalises to NFC first, so a decomposed accent counts once', () => {
    expect(countXWeightedLength('e\u0301')).toBe(1);
    expect(countXWeightedLength('café')).toBe(4);
  });
});

describe(measureText.name, () => {
  it('counts UTF-16 code units for every platform but X', () => {
    expect(measureText('abc', 'utf16_code_units')).toBe(3);
    expect(measureText('😀', 'utf16_code_units')).toBe(2);
    expect(measureText('日本', 'utf16_code_units')).toBe(2);
  });

  it('uses X weighting when asked', () => {
    expect(measureText('日本 https://example.com', 'x_weighted')).toBe(4 + 1 + 23);
  });

  it('describes both methods as Postern defaults with a reason, frozen', () => {
    for (const method of Object.values(TEXT_COUNTING)) {
      expect(method.source.kind).toBe('postern_default');
      expect(method.description.length).toBeGreaterThan(20);
      expect(Object.isFrozen(method)).toBe(true);
      expect(Object.isFrozen(method.source)).toBe(true);
    }
  });
});

describe(findUrls.name, () => {
  it('finds links with and without a scheme, in text order, without trailing punctuation', () => {
    expect(
      findUrls('go to example.com, then https://a.io/x).').map(({ text, hasScheme }) => [text, hasScheme]),
    ).toEqual([
      ['example.com', false],
      ['https://a.io/x', true],
    ]);
  });
});

describe(countHashtags.name, () => {
  it('counts every #tag, repeats included, but not HTML entities or mid-word #', () => {
    expect(countHashtags('#one #two #one c#sharp &#39; #日本')).toBe(4);
    expect(countHashtags('no tags')).toBe(0);
  });
});

describe(countMentions.name, () => {
  it('counts @handles but not e-mail addresses', () => {
    expect(countMentions('@alice and @bob.smith, write to carol@example.com')).toBe(2);
  });
});

describe(isHttpUrl.name, () => {
  it('accepts absolute http(s) URLs only', () => {
    expect(isHttpUrl('https://example.com/page?q=1')).toBe(true);
    expect(isHttpUrl('http://example.com')).toBe(true);
    expect(isHttpUrl('example.com/page')).toBe(false);
    expect(isHttpUrl('ftp://example.com/file')).toBe(false);
    expect(isHttpUrl('javascript:alert(1)')).toBe(false);
    expect(isHttpUrl('')).toBe(false);
  });
});
