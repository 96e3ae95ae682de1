import type { z } from 'zod';
import type { ErrorDetail } from '../common/app-error';

/** Zod issues as the error details every surface uses: the field's dotted path and what is wrong with it. */
export function argumentErrorDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), issue: 'is not a known argument' }));
    }
    return [{ field: path.join('.') || '(arguments)', issue: issue.message }];
  });
}
