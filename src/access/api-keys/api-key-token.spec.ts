import { generateApiKeyToken, hashApiKeyToken, parseApiKeyToken, tokenMatchesHash } from './api-key-token';

const ID = '0123456789ab';
const SECRET = 'Abc-_0123456789abcdefghijklmnopqrstuvwxyzAB';
const VALID = `pst_${ID}_${SECRET}`;

describe(generateApiKeyToken.name, () => {
  it('produces a token in the documented shape that parses back to its prefix', () => {
    const { token, prefix } = generateApiKeyToken();
    expect(token).toMatch(/^pst_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(prefix).toBe(token.slice(0, 16));
    expect(parseApiKeyToken(token)).toEqual({ prefix });
  });

  it('never repeats a token or a prefix', () => {
    const generated = Array.from({ length: 50 }, () => generateApiKeyToken());
    expect(new Set(generated.map((g) => g.token)).size).toBe(50);
    expect(new Set(generated.map((g) => g.prefix)).size).toBe(50);
  });
});

describe(parseApiKeyToken.name, () => {
  it('returns the lookup prefix of a well-formed token', () => {
    expect(SECRET).toHaveLength(43);
    expect(parseApiKeyToken(VALID)).toEqual({ prefix: `pst_${ID}` });
  });

  it.each([
    ['wrong prefix', `psk_${ID}_${SECRET}`],
    ['upper-case prefix', `PST_${ID}_${SECRET}`],
    ['upper-case id', `pst_${ID.toUpperCase()}_${SECRET}`],
    ['short id', `pst_${ID.slice(1)}_${SECRET}`],
    ['short secret', `pst_${ID}_${SECRET.slice(1)}`],
    ['long secret', `pst_${ID}_${SECRET}A`],
    ['trailing space', `${VALID} `],
    ['leading space', ` ${VALID}`],
    ['trailing newline', `${VALID}\n`],
    ['non-base64url character', `pst_${ID}_${SECRET.slice(1)}+`],
    ['base64 padding', `pst_${ID}_${SECRET.slice(1)}=`],
    ['missing separator', `pst_${ID}${SECRET}`],
    ['prefix only', `pst_${ID}`],
    ['empty string', ''],
  ])('rejects a token with %s', (_, token) => {
    expect(parseApiKeyToken(token)).toBeUndefined();
  });
});

describe(hashApiKeyToken.name, () => {
  it('is the hex SHA-256 of the token', () => {
    expect(hashApiKeyToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is stable and 64 lower-case hex characters', () => {
    const hash = hashApiKeyToken(VALID);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKeyToken(VALID)).toBe(hash);
    expect(hashApiKeyToken(`${VALID.slice(0, -1)}C`)).not.toBe(hash);
  });
});

describe(tokenMatchesHash.name, () => {
  const hash = hashApiKeyToken(VALID);

  it('matches the token the hash was made from', () => {
    expect(tokenMatchesHash(VALID, hash)).toBe(true);
  });

  it('matches a freshly generated token against its own hash', () => {
    const { token } = generateApiKeyToken();
    expect(tokenMatchesHash(token, hashApiKeyToken(token))).toBe(true);
  });

  it.each([
    ['last character changed', `${VALID.slice(0, -1)}C`],
    ['first secret character changed', `pst_${ID}_b${SECRET.slice(1)}`],
    ['id character changed', `pst_1${ID.slice(1)}_${SECRET}`],
    ['another generated token', generateApiKeyToken().token],
  ])('does not match with the %s', (_, token) => {
    expect(tokenMatchesHash(token, hash)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['truncated', hash.slice(0, 62)],
    ['not hex', 'z'.repeat(64)],
  ])('does not match an %s stored hash', (_, storedHash) => {
    expect(tokenMatchesHash(VALID, storedHash)).toBe(false);
  });
});
