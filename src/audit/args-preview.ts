import { KEY_STATUSES } from '../access/api-keys/key-status';
import { isRole } from '../access/roles';
import { USER_STATUSES } from '../domain/users/user.entity';
import { isBundleName, isScope } from '../access/scopes';
import { UUID_PATTERN } from '../common/validation/uuid';
import { storable } from './storable-text';
import { TOOL_SCOPES } from '../mcp/tool-scopes';

const MAX_DEPTH = 4;
const MAX_KEYS = 50;

/** A member that names an object (`id`, `post_id`, `:userId`), by the name the API gives it. */
const ID_NAME = /^(id|.+_id|[a-z]+Id)$/;

const named =
  (test: (value: string) => boolean) =>
  (value: unknown): boolean =>
    typeof value === 'string' && test(value);

const scopeOrBundle = named((v) => isScope(v) || isBundleName(v));

/** true or false, as JSON gives it, or as a console form posts it. */
const flag = (value: unknown): boolean => typeof value === 'boolean' || value === 'true' || value === 'false';

type Vocabularies = Map<string, (value: unknown) => boolean>;

/**
 * The members whose values say what access a call gave, each with the closed vocabulary its values
 * come from (under the names REST, MCP, the console forms and the CLI give them). A value in it
 * names a catalogue entry and cannot be a secret or free text, so it is kept; anything else there
 * (a typo, a token pasted into `scopes`) is only a shape, like every other value.
 */
const VOCABULARIES: Vocabularies = new Map([
  ['scopes', scopeOrBundle],
  ['scope', scopeOrBundle],
  ['bundle', named(isBundleName)],
  ['preset', named(isBundleName)],
  ['role', named(isRole)],
  ['previous_role', named(isRole)],
  ['tools', named((v) => TOOL_SCOPES.has(v))],
  ['status', named((v) => (KEY_STATUSES as readonly string[]).includes(v))],
  ['audit_access', flag],
  ['auditAccess', flag],
]);

/**
 * An OAuth connection's own ids: its grant id (url-safe base64) and its client id (one the server
 * issued, or the https URL of a client metadata document). Printable ASCII, no spaces.
 */
const oauthId = named((v) => /^[\x21-\x7e]{1,512}$/.test(v));

/** An account's status, as `postern user disable|enable` records the change. */
const accountStatus = named((v) => (USER_STATUSES as readonly string[]).includes(v));

/**
 * What a change may name under `result` besides the arguments' vocabularies. A connection's ids are
 * not UUIDs, so the id rule cannot vouch for them among arguments (a refresh token has a grant id's
 * shape); under `result` only the change writes them, from the connection row it wrote or ended.
 */
const RESULT_VOCABULARIES: Vocabularies = new Map([
  ...VOCABULARIES,
  ['grant_id', oauthId],
  ['client_id', oauthId],
  ['account_status', accountStatus],
  ['previous_account_status', accountStatus],
  ['password_changed', flag],
]);

/**
 * The shape of the arguments, not their values: `"string(42)"`, `"number"`, `"array(3)"`. Enough
 * to see what a call tried to do without storing post text, tokens or personal data. Two kinds of
 * value are kept: an object's id under an id's name (a UUID names a row and grants nothing), so the
 * record says which post, key or member a change was about; and a value from the vocabulary of its
 * member's name (a scope under `scopes`, a role under `role`), so it says which access was given.
 */
export function shapeOf(value: unknown, depth = 0, vocabularies = VOCABULARIES): unknown {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `string(${value.length})`;
  if (typeof value === 'number' || typeof value === 'boolean') return typeof value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `array(${value.length})` : 'object';
  if (Array.isArray(value))
    return value.length ? [`array(${value.length})`, shapeOf(value[0], depth + 1, vocabularies)] : 'array(0)';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS);
    // A member's name is the caller's text: stored as record text is (storable-text.ts).
    return Object.fromEntries(
      entries.map(([k, v]) => [storable(k.slice(0, 64)), memberShape(k, v, depth + 1, vocabularies)]),
    );
  }
  return typeof value;
}

function memberShape(name: string, value: unknown, depth: number, vocabularies: Vocabularies): unknown {
  if (ID_NAME.test(name) && typeof value === 'string' && UUID_PATTERN.test(value)) return value.toLowerCase();
  const known = vocabularies.get(name);
  if (known?.(value)) return value;
  // A list of such values keeps each one that is, after the list's length as every list shape starts.
  if (!known || !Array.isArray(value) || !value.length || depth >= MAX_DEPTH)
    return shapeOf(value, depth, vocabularies);
  const each = (value as unknown[]).slice(0, MAX_KEYS).map((v) => (known(v) ? v : shapeOf(v, depth + 1, vocabularies)));
  return [`array(${value.length})`, ...each];
}

/**
 * What a record's args_preview holds: the shape of the call's arguments and, under `result`, what
 * its change named (AuditContext.noteResult), held to the same rules (with a connection's ids, see
 * RESULT_VOCABULARIES). `result` is the change's alone: an argument of that name is left out, so a
 * caller cannot write one in. Undefined when there is nothing to show.
 */
export function previewOf(args: unknown, result?: Record<string, unknown>): unknown {
  const shape = args === undefined ? {} : shapeOf(args);
  const named = result && (shapeOf({ result }, 0, RESULT_VOCABULARIES) as { result: unknown }).result;
  // Arguments that are not an object (a tool called with a list) never get as far as a change.
  if (typeof shape !== 'object' || Array.isArray(shape)) return named ? { arguments: shape, result: named } : shape;
  const preview = Object.fromEntries(Object.entries(shape as object).filter(([k]) => k !== 'result'));
  if (named) preview.result = named;
  return Object.keys(preview).length ? preview : undefined;
}
