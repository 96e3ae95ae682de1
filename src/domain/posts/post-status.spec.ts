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
    [['published', 'cancelled'], 'published'],
    [['failed', 'cancelled'], 'failed'],
    [['ready', 'cancelled'], 'ready'],
    [[], 'ready'],
  ] as const)('%j gives %s', (targets, expected) => {
    expect(postStatusOf(targets)).toBe(expected);
  });
});
