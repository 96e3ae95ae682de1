import { postStatusOf } from './post-status';

describe('postStatusOf', () => {
  it.each([
    [['ready', 'ready'], 'ready'],
    [['scheduled', 'scheduled'], 'scheduled'],
    [['published', 'scheduled'], 'scheduled'],
    [['published', 'publishing'], 'publishing'],
    [['unknown', 'publishing'], 'publishing'],
    [['published', 'unknown'], 'unknown'],
    [['failed', 'unknown'], 'unknown'],
    [['published', 'published'], 'published'],
    [['published', 'failed'], 'failed'],
    [['failed', 'failed'], 'failed'],
    [['cancelled', 'cancelled'], 'cancelled'],
    [[], 'ready'],
  ] as const)('%j gives %s', (targets, expected) => {
    expect(postStatusOf(targets)).toBe(expected);
  });
});
