import { AppError } from '../../common/app-error';
import { ContentProblems, listWindow, normaliseContent, requireVersion, type ContentInput } from './content-input';

const ID = '0b7c3f7e-5a54-4a8e-9a43-6f0f1bb0c2d1';

function normalise(input: ContentInput) {
  const problems = new ContentProblems();
  const out = normaliseContent(input, problems);
  problems.throwIfAny();
  return out;
}

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    return ((err as AppError).details ?? []).map((d) => d.field ?? '');
  }
  throw new Error('expected a validation error');
}

describe('content input', () => {
  it('keeps only the fields sent, trims titles, drops empty variants and lower-cases ids', () => {
    expect(normalise({ text: 'Hi' })).toEqual({ text: 'Hi' });
    expect(
      normalise({
        title: '  Sale ',
        link: null,
        variants: { x: { text: 'short' }, linkedin: {} },
        media_ids: [ID.toUpperCase()],
        campaign_id: null,
      }),
    ).toEqual({ title: 'Sale', link: null, variants: { x: { text: 'short' } }, mediaIds: [ID], campaignId: null });
  });

  it('names every bad field at once', () => {
    expect(
      fieldsOf(() =>
        normalise({
          text: 'a'.repeat(63207),
          title: '   ',
          link: 'http://example.com',
          variants: { myspace: { text: 'x' }, x: { title: 'a\nb', colour: 'red' } } as never,
          media_ids: [ID, ID.toUpperCase(), 'nope'],
          campaign_id: 'c',
        }),
      ),
    ).toEqual([
      'text',
      'title',
      'link',
      'variants.myspace',
      'variants.x.title',
      'variants.x.colour',
      'media_ids.1',
      'media_ids.2',
      'campaign_id',
    ]);
    expect(fieldsOf(() => normalise({ text: 'tab\tok, bell \u0007 not' }))).toEqual(['text']);
    expect(fieldsOf(() => normalise({ media_ids: Array.from({ length: 21 }, () => ID) }))).toEqual(['media_ids']);
  });

  it('accepts a half-open creation window and refuses an empty or malformed one', () => {
    expect(listWindow({ created_after: '2026-01-01T00:00:00Z' })).toEqual({
      after: new Date('2026-01-01T00:00:00Z'),
      before: undefined,
    });
    expect(
      fieldsOf(() =>
        listWindow({ created_after: '2026-01-02T00:00:00Z', created_before: '2026-01-02T01:00:00+02:00' }),
      ),
    ).toEqual(['created_after']);
    expect(fieldsOf(() => listWindow({ created_before: '2026-02-30T00:00:00Z' }))).toEqual(['created_before']);
  });

  it('refuses a stale expected_version naming the current one', () => {
    expect(() => requireVersion('draft', 3, undefined, 'get_draft')).not.toThrow();
    expect(() => requireVersion('draft', 3, 3, 'get_draft')).not.toThrow();
    expect(() => requireVersion('draft', 3, 2, 'get_draft')).toThrow(/version 3, not 2.*get_draft/);
  });
});
