/**
 * Query parameters whose values are credentials: any name containing "token" (access_token,
 * id_token_hint, …), and a few more. Matched by whole name, so code_challenge, which is public, stays.
 */
const SECRET_PARAM = /([?&](?:[^=&#]*token[^=&#]*|code|client_secret|password|secret|key)=)[^&#\s]*/gi;

/**
 * Credentials wherever they stand, a path included (a key pasted where its id belongs:
 * `DELETE /api/v1/keys/pst_…`): an API key's secret after its public prefix, and a JWT.
 */
const SECRET_SHAPED = /(pst_[0-9a-f]{12}_)[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/gi;

/** Text (a URL, an operation naming one) with every credential it holds replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text
    .replace(SECRET_PARAM, '$1[redacted]')
    .replace(SECRET_SHAPED, (_match, prefix?: string) => `${prefix ?? ''}[redacted]`);
}
