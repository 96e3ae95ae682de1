import { z } from 'zod';
import { argumentErrorDetails } from './tool-argument-errors';
import { httpsUrlParam, idempotencyKeyParam, lineParam, overridesParam, tagsParam } from './tool-params';

describe(argumentErrorDetails.name, () => {
  const schema = z
    .object({ name: lineParam(10), tags: tagsParam.optional(), overrides: overridesParam(20).optional() })
    .strict();

  it('names every bad field by its path, unknown arguments included', () => {
    const parsed = schema.safeParse({
      name: 'far too long a name',
      tags: ['ok', 'not ok!'],
      overrides: { x: { text: 'a\u0000b' }, myspace: {} },
      extra: 1,
    });
    expect(parsed.success).toBe(false);
    const fields = argumentErrorDetails(parsed.error!).map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['name', 'tags.1', 'overrides.x.text', 'overrides.myspace', 'extra']),
    );
  });

  it('refuses line breaks in one-line fields and spaces in idempotency keys', () => {
    expect(lineParam(50).safeParse('two\nlines').success).toBe(false);
    expect(idempotencyKeyParam.safeParse('has space').success).toBe(false);
    expect(idempotencyKeyParam.safeParse('a'.repeat(256)).success).toBe(false);
    expect(idempotencyKeyParam.safeParse('0b7c4a4e-3f5e-4b8e-9d55-7d0f3d6f9a11').success).toBe(true);
  });

  it('refuses control characters in links, which z.url() alone lets through', () => {
    for (const bad of ['https://a.example/\u0000', 'https://a.example/x\r\nSet-Cookie: a', 'https://a.example/\u202e'])
      expect([bad, httpsUrlParam.safeParse(bad).success]).toEqual([bad, false]);
    expect(httpsUrlParam.safeParse('https://a.example/spring?utm=1').success).toBe(true);
  });
});
