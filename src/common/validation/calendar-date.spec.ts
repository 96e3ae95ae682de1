import { isCalendarDate, isIsoTimestamp } from './calendar-date';
import { hasControlCharacters } from './control-characters';

describe('calendar dates and timestamps', () => {
  it.each(['2026-01-31', '2028-02-29', '2026-12-01'])('accepts %s', (d) => expect(isCalendarDate(d)).toBe(true));
  it.each(['2026-02-30', '2027-02-29', '2026-13-01', '26-01-01', '2026-1-1', '2026-01-01T00:00:00Z', ''])(
    'refuses %j',
    (d) => expect(isCalendarDate(d)).toBe(false),
  );
  it.each(['2026-12-01T09:00:00Z', '2026-12-01T09:00:00.123+01:00', '2026-12-01T09:00Z', '2026-12-01T09:00+14:00'])(
    'accepts %s',
    (t) => expect(isIsoTimestamp(t)).toBe(true),
  );
  it.each([
    '2026-12-01T09:00:00',
    '2026-02-30T09:00:00Z',
    '2026-12-01 09:00:00Z',
    'tomorrow',
    '1733043600',
    '2026-12-01T09:00:00+16:00',
    '2026-12-01T09:00:00+01:60',
  ])('refuses %j (no offset, impossible date or offset, or not ISO)', (t) => expect(isIsoTimestamp(t)).toBe(false));
});

describe('control characters', () => {
  it('allows tab and line breaks in free text but not in one-line fields', () => {
    expect(hasControlCharacters('a\tb\nc\r\n')).toBe(false);
    expect(hasControlCharacters('a\nb', true)).toBe(true);
    expect(hasControlCharacters('a\u2028b', true)).toBe(true);
  });
  it.each(['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085'])('refuses %j everywhere', (c) => {
    expect(hasControlCharacters(`x${c}y`)).toBe(true);
    expect(hasControlCharacters(`x${c}y`, true)).toBe(true);
  });
});
