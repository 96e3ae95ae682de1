import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { AppError } from '../app-error';

/**
 * Names every object has through its prototype. class-transformer skips a key of the request that
 * names one (the new instance "already has" `toString`, `hasOwnProperty` …) and Nest's pipe deletes
 * `__proto__`, `prototype` and `constructor` before validating, so the unknown-property check never
 * saw them: `{"variants":{"toString":{…}}}` was accepted with the key silently dropped.
 */
const BUILT_IN = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Plain data as JSON, a query string or a form gives it: an array, or an object with no class of its own. */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

/** Every key of `value`, at any depth, that names a built-in property, by its path (`variants.toString`). */
export function builtInKeys(value: unknown, path = ''): string[] {
  if (!value || typeof value !== 'object' || !isPlain(value)) return [];
  // Own keys only, holes of an array skipped; `__proto__` as JSON.parse makes it is an own key.
  return Object.entries(value).flatMap(([key, child]) => {
    const at = path ? `${path}.${key}` : key;
    return BUILT_IN.has(key) ? [at] : builtInKeys(child, at);
  });
}

/** The refusal of a value holding built-in names, as the unknown-property check words it; undefined when none. */
export function builtInKeysRefusal(value: unknown): AppError | undefined {
  const keys = builtInKeys(value);
  if (!keys.length) return undefined;
  const details = keys.map((field) => ({ field, issue: `property ${field.split('.').pop()} should not exist` }));
  return new AppError('validation_failed', details.map((d) => d.issue).join('; '), details);
}

/**
 * The global validation pipe, refusing a built-in name in a body or query like any other unknown
 * property (400 validation_failed naming it) before it can be dropped unseen. (A tool's arguments
 * are checked by the MCP strategy.)
 */
export class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const refusal = this.toValidate(metadata) ? builtInKeysRefusal(value) : undefined;
    if (refusal) throw refusal;
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
