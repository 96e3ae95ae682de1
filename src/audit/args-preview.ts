const MAX_DEPTH = 4;
const MAX_KEYS = 50;

/**
 * The shape of the arguments, never their values: `"string(42)"`, `"number"`, `"array(3)"`. Enough
 * to see what a call tried to do without storing post text, tokens or personal data.
 */
export function shapeOf(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `string(${value.length})`;
  if (typeof value === 'number' || typeof value === 'boolean') return typeof value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `array(${value.length})` : 'object';
  if (Array.isArray(value)) return value.length ? [`array(${value.length})`, shapeOf(value[0], depth + 1)] : 'array(0)';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS);
    return Object.fromEntries(entries.map(([k, v]) => [k.slice(0, 64), shapeOf(v, depth + 1)]));
  }
  return typeof value;
}
