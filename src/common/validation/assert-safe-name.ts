import { AppError } from '../app-error';
import { unsafeInName } from './control-characters';

/** Refuses a name people pick from a list when it holds what would disguise it (see unsafeInName). */
export function assertSafeName(name: string): void {
  if (!unsafeInName(name)) return;
  throw new AppError(
    'validation_failed',
    'name must not contain control, line-break, direction, invisible or half characters',
    [{ field: 'name', issue: 'characters' }],
  );
}
