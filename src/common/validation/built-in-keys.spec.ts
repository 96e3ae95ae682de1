import { builtInKeys, builtInKeysRefusal } from './built-in-keys';

describe('builtInKeys', () => {
  it('finds names every object has, at any depth, by their path', () => {
    const body = JSON.parse(
      '{"text":"v","__proto__":{"a":1},"variants":{"toString":{},"x":{"valueOf":"p"}},"tags":[{"constructor":1}]}',
    ) as unknown;
    expect(builtInKeys(body)).toEqual(['__proto__', 'variants.toString', 'variants.x.valueOf', 'tags.0.constructor']);
  });

  it('reads objects without a prototype, as a query string gives them', () => {
    const query = Object.assign(Object.create(null) as object, { limit: '5', prototype: 'x' });
    expect(builtInKeys(query)).toEqual(['prototype']);
  });

  it('finds nothing in ordinary data, nor inside values that are not plain data', () => {
    expect(builtInKeys({ text: 'toString', variants: { x: { text: '__proto__' } }, tags: ['constructor'] })).toEqual(
      [],
    );
    expect(builtInKeys([Buffer.from('x'), new Date(0), 'hasOwnProperty', null, 3])).toEqual([]);
  });

  it('words the refusal as the unknown-property check does', () => {
    expect(builtInKeysRefusal({ variants: { toString: {} } })).toMatchObject({
      code: 'validation_failed',
      message: 'property toString should not exist',
      details: [{ field: 'variants.toString', issue: 'property toString should not exist' }],
    });
    expect(builtInKeysRefusal({ text: 'x' })).toBeUndefined();
  });
});
