import { InvalidArgumentError } from 'commander';
import { parseExpiry, parseList } from './cli-input';

const NOW = new Date('2030-01-01T00:00:00.000Z');

describe(parseExpiry.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it.each([
    ['30d', '2030-01-31T00:00:00.000Z'],
    ['12h', '2030-01-01T12:00:00.000Z'],
    ['90m', '2030-01-01T01:30:00.000Z'],
    ['1m', '2030-01-01T00:01:00.000Z'],
  ])('reads the span %s as a date that far from now', (value, expected) => {
    expect(parseExpiry(value).toISOString()).toBe(expected);
  });

  it.each([
    // A calendar date keeps the key usable through the end of that day, UTC.
    ['2030-06-01', '2030-06-01T23:59:59.999Z'],
    ['2030-01-02T03:04:05Z', '2030-01-02T03:04:05.000Z'],
    ['2030-01-01T02:00:00+01:00', '2030-01-01T01:00:00.000Z'],
  ])('accepts the future date %s', (value, expected) => {
    expect(parseExpiry(value).toISOString()).toBe(expected);
  });

  it.each(['2029-12-31', '2029-12-31T23:59:59Z', '2030-01-01T00:00:00Z', '0d', '0m'])(
    'refuses %s because it is not in the future',
    (value) => {
      expect(() => parseExpiry(value)).toThrow(new InvalidArgumentError('the expiry must be in the future'));
    },
  );

  it.each(['tomorrow', '30x', '', '30', 'd', ' 30d', '30D', '-5d', '123456d', '01/02/2031', '1893456000000'])(
    'refuses the malformed value %j',
    (value) => {
      expect(() => parseExpiry(value)).toThrow(InvalidArgumentError);
      expect(() => parseExpiry(value)).toThrow(/use a date \(2026-12-31\), a timestamp, or a span/);
    },
  );
});

describe('parseExpiry with impossible calendar dates', () => {
  it.each(['2030-13-01', '2030-02-30', '2030-04-31'])('refuses %s instead of rolling it over', (value) => {
    expect(() => parseExpiry(value)).toThrow(new InvalidArgumentError(`${value} is not a calendar date`));
  });
});

describe(parseList.name, () => {
  it('trims the items and drops empty ones', () => {
    expect(parseList(' posts:read, ,posts:create ,, drafts:read ')).toEqual([
      'posts:read',
      'posts:create',
      'drafts:read',
    ]);
  });

  it('returns a single item as a one-element list', () => {
    expect(parseList('owner')).toEqual(['owner']);
  });

  it.each(['', ' ', ',', ' , ,, '])('refuses the all-empty list %j', (value) => {
    expect(() => parseList(value)).toThrow(new InvalidArgumentError('give at least one value, comma-separated'));
  });
});
