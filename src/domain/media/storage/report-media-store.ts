import type { LoggerService } from '@nestjs/common';
import type { MediaStorage } from './media-storage';

/**
 * Logs once, at startup, whether the media store can be used, so a mistyped bucket, endpoint or
 * key shows in the log at once rather than first as failed uploads. Never throws: the server
 * serves everything else without its media store, and uploads say "try again" while it is down.
 */
export async function reportMediaStore(
  storage: MediaStorage,
  log: Pick<LoggerService, 'log' | 'warn'>,
  closing: () => boolean = () => false,
): Promise<void> {
  try {
    await storage.check();
    log.log(`Media store    ${storage.location}`);
  } catch (err) {
    // A shutdown that began meanwhile ends the check's connection: that says nothing of the store.
    if (closing()) return;
    log.warn(
      `Media store    ${storage.location} cannot be used: ${(err as Error).message}. ` +
        'Check the S3_* or DATA_DIR settings.',
    );
  }
}
