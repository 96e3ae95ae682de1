import type { ValidationError } from 'class-validator';
import { AppError, type ErrorDetail } from './app-error';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((issue) => ({ field, issue }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Maps class-validator failures to one `validation_failed` error naming each field. */
export function validationError(errors: ValidationError[]): AppError {
  const details = flatten(errors);
  return new AppError('validation_failed', details.map((d) => d.issue).join('; ') || 'invalid request', details);
}
