import { UUID_PATTERN } from '../common/validation/uuid';

const MAX_DEPTH = 4;
const MAX_KEYS = 50;

/** A member that names an object (`id`, `post_id`, `:userId`), by the name the API gives it. */
const ID_NAME = /^(id|.+_id|[a-z]+Id)$/;

/**
 * The shape of the arguments, not their values: `"string(42)"`, `"number"`, `"array(3)"`. Enough
 * to see what a call tried to do without storing post text, tokens or personal data. The one kind
 * of value kept is an object's id under an id's name (a UUID names a row and grants nothing), so
 * the record says which post, key or member a change was about.
 */
export function shapeOf(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `string(${value.length})`;
  if (typeof value === 'number' || typeof value === 'boolean') return typeof value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `array(${value.length})` : 'object';
  if (Array.isArray(value)) return value.length ? [`array(${value.length})`, shapeOf(value[0], depth + 1)] : 'array(0)';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS);
    return Object.fromEntries(
      entries.map(([k, v]) => [
        k.slice(0, 64),
        ID_NAME.test(k) && typeof v === 'string' && UUID_PATTERN.test(v) ? v.toLowerCase() : shapeOf(v, depth + 1),
      ]),
    );
  }
  return typeof value;
}
