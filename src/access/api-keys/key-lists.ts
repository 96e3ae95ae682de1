import { AppError } from '../../common/app-error';

/** Most scope and bundle names one key may be created with; the catalogue has fewer. */
export const MAX_KEY_SCOPE_NAMES = 40;
/** Most tools one key may be limited to; more than the catalogue has, far fewer than a pasted dump. */
export const MAX_KEY_TOOLS = 100;

/** How long the lists a key is created with may be, the same from REST, the console and the CLI. */
export function assertKeyListsBounded(scopes: readonly string[], tools: readonly string[]): void {
  if (scopes.length > MAX_KEY_SCOPE_NAMES) {
    throw new AppError(
      'validation_failed',
      `scopes may name at most ${MAX_KEY_SCOPE_NAMES} scopes or bundles; ${scopes.length} given`,
      [{ field: 'scopes', issue: `more than ${MAX_KEY_SCOPE_NAMES}` }],
    );
  }
  if (tools.length > MAX_KEY_TOOLS) {
    throw new AppError('validation_failed', `tools may name at most ${MAX_KEY_TOOLS} tools; ${tools.length} given`, [
      { field: 'tools', issue: `more than ${MAX_KEY_TOOLS}` },
    ]);
  }
}

/**
 * A tool named twice is refused rather than folded: like a misspelt name, it usually means another
 * tool was meant, and the key stored is then exactly the list the caller gave (and its audit record
 * shows). Checked after the names themselves, so a misspelling is what the caller hears of first.
 */
export function assertToolsNamedOnce(tools: readonly string[]): void {
  const repeated = [...new Set(tools.filter((t, i) => tools.indexOf(t) !== i))];
  if (repeated.length) {
    throw new AppError(
      'validation_failed',
      `tools must name each tool once; repeated: ${repeated.map(shownName).join(', ')}`,
      repeated.map((t) => ({ field: 'tools', issue: `${shownName(t)} repeated` })),
    );
  }
}

/**
 * An unknown name as an error message (and so the call's audit record, which keeps it) may repeat
 * it: a misspelt scope or tool is, a secret pasted into the list (a key, a token) is not. Catalogue
 * names are lower-case words without digits; secrets, hex ones included, have digits.
 */
export function shownName(name: string): string {
  return /^[a-z][a-z_:-]{0,39}$/.test(name) ? name : `(${name.length} characters, not shown)`;
}
