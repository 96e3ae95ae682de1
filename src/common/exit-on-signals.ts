/** Longer than a database statement may take (30 s by default), shorter than most orchestrators wait. */
export const SHUTDOWN_DEADLINE_MS = 45_000;

/**
 * On SIGTERM or SIGINT, runs `close` and exits 0. Work in flight finishes first, but a dependency
 * that no longer answers must not keep the process from ending: not done within the deadline, or
 * failed, the process exits 1.
 */
export function exitOnSignals(name: string, close: () => Promise<void>): void {
  let started = false;
  const shutdown = async () => {
    // A second signal (Ctrl-C under npm arrives twice) must neither kill the process mid-close nor
    // close twice.
    if (started) return;
    started = true;
    setTimeout(() => {
      process.stderr.write(`${name}: shutdown not done after ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
      await close();
    } catch (err) {
      process.stderr.write(`${name}: shutdown failed: ${(err as Error).message}\n`);
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}
