/**
 * Fields whose values never reach the audit trail in any form. The argument digest is keyed, but a
 * keyed hash of a password is quick to test guesses against for anyone who also holds SECRET_KEY (a
 * server's disk, a backup), far quicker than its argon2 hash: so a password is left out, not
 * hashed. Tokens and secrets are left out alike, since a digest of them serves no reader.
 */
const SECRET_NAME = /password|passphrase|secret|token|csrf/i;

export function isSecretField(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Stands in for a withheld value: the record shows the field was sent, not what it held or how long. */
export const WITHHELD = '[withheld]';

/** A copy of a request body with every secret field's value withheld, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      isSecretField(k) ? WITHHELD : withoutSecrets(v),
    ]),
  );
}
