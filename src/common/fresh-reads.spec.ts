import { FreshReads } from './fresh-reads';

/** A source whose reads the test finishes by hand, each answering the value current when it began. */
function controlledSource() {
  let value = 0;
  const started: { began: number; finish: () => void; fail: (err: Error) => void }[] = [];
  const reads = new FreshReads<number>(
    () =>
      new Promise<number>((resolve, reject) => {
        const began = value;
        started.push({ began, finish: () => resolve(began), fail: reject });
      }),
  );
  return {
    reads,
    started,
    change: () => (value += 1),
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe(FreshReads.name, () => {
  it('never answers a caller with a read that began before it asked', async () => {
    const { reads, started, change } = controlledSource();
    const first = reads.read();
    await flush();
    expect(started).toHaveLength(1);

    change();
    const second = reads.read();
    const third = reads.read();
    // The read in flight began before the change: the later callers must not share it.
    expect(started).toHaveLength(1);

    started[0].finish();
    await expect(first).resolves.toBe(0);
    await flush();
    expect(started).toHaveLength(2);
    started[1].finish();
    await expect(second).resolves.toBe(1);
    await expect(third).resolves.toBe(1);
  });

  it('shares one read among the callers that arrive together', async () => {
    const { reads, started } = controlledSource();
    const answers = Promise.all([reads.read(), reads.read(), reads.read()]);
    await flush();
    expect(started).toHaveLength(1);
    started[0].finish();
    await expect(answers).resolves.toEqual([0, 0, 0]);
  });

  it('fails exactly the callers of a failed read, and reads again for the next', async () => {
    const { reads, started } = controlledSource();
    const failed = reads.read();
    await flush();
    const later = reads.read();
    started[0].fail(new Error('database gone'));
    await expect(failed).rejects.toThrow('database gone');
    await flush();
    await flush();
    expect(started).toHaveLength(2);
    started[1].finish();
    await expect(later).resolves.toBe(0);
  });

  it('starts a new read for a caller that arrives after the last one ended', async () => {
    const { reads, started, change } = controlledSource();
    const first = reads.read();
    await flush();
    started[0].finish();
    await first;
    change();
    const next = reads.read();
    await flush();
    expect(started).toHaveLength(2);
    started[1].finish();
    await expect(next).resolves.toBe(1);
  });
});
