import { AppError } from './app-error';
import { decodeCursor, encodeCursor } from './pagination';

describe('list cursors', () => {
  it('round-trips the position of the last item', () => {
    const row = { createdAt: new Date('2026-11-21T10:00:00.123Z'), id: '6f1c2b7e-2d1a-4c55-9a53-0f1f0c8e4b11' };
    expect(decodeCursor(encodeCursor(row))).toEqual({ createdAt: '2026-11-21T10:00:00.123Z', id: row.id });
  });

  it.each([
    'not-base64-json',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('["2026-11-21T10:00:00Z","1; DROP TABLE posts"]').toString('base64url'),
    Buffer.from('["yesterday","6f1c2b7e-2d1a-4c55-9a53-0f1f0c8e4b11"]').toString('base64url'),
    // Date.parse reads these; PostgreSQL would not.
    Buffer.from('["1","6f1c2b7e-2d1a-4c55-9a53-0f1f0c8e4b11"]').toString('base64url'),
    Buffer.from('["x 1","6f1c2b7e-2d1a-4c55-9a53-0f1f0c8e4b11"]').toString('base64url'),
  ])('refuses a cursor it did not issue (%s) with a validation error naming the field', (cursor) => {
    let caught: unknown;
    try {
      decodeCursor(cursor);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'validation_failed', details: [{ field: 'cursor', issue: 'invalid' }] });
  });
});
