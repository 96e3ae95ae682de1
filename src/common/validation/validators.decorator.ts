import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isCalendarDate, isIsoTimestamp } from './calendar-date';
import { hasControlCharacters } from './control-characters';

function define(
  name: string,
  test: (value: unknown) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property ${message}`, ...options },
      validator: { validate: (value: unknown) => test(value) },
    });
}

/** Text without control characters; `singleLine` refuses line breaks as well. */
export const NoControlCharacters = (singleLine = false, options?: ValidationOptions) =>
  define(
    'noControlCharacters',
    (v) => typeof v !== 'string' || !hasControlCharacters(v, singleLine),
    singleLine
      ? 'must be one line without control characters or half characters'
      : 'must not contain control characters or half characters',
    options,
  );

/** YYYY-MM-DD, a date that exists. */
export const IsCalendarDate = (options?: ValidationOptions) =>
  define(
    'isCalendarDate',
    (v) => typeof v === 'string' && isCalendarDate(v),
    'must be a date written YYYY-MM-DD',
    options,
  );

/** ISO 8601 with an explicit offset (2026-12-01T09:00:00+01:00 or …Z). */
export const IsIsoTimestamp = (options?: ValidationOptions) =>
  define(
    'isIsoTimestamp',
    (v) => typeof v === 'string' && isIsoTimestamp(v),
    'must be an ISO 8601 timestamp with an offset, such as 2026-12-01T09:00:00Z',
    options,
  );

/** PostgreSQL's largest bigint: a larger id would fail the query, not the request. */
const MAX_BIGINT = 9223372036854775807n;

/** A bigint row id as a cursor gives it: 1 up to the largest bigint, written plainly. */
export const IsRecordId = (options?: ValidationOptions) =>
  define(
    'isRecordId',
    (v) => typeof v === 'string' && /^[1-9]\d{0,18}$/.test(v) && BigInt(v) <= MAX_BIGINT,
    'must be a value returned as next_cursor',
    options,
  );
