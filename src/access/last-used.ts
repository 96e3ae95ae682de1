/** "Last used" is written at most once a minute per credential: plenty for what it tells, and no write on most calls. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Stamps a credential's "last used" when it is due: first on the row the lookup remembers (so the
 * next call does not stamp again), then in the database, best effort: "last used" must never fail
 * or slow the call it describes.
 */
export function stampLastUsed(
  lastUsedAt: Date | null,
  remember: (at: Date) => void,
  write: (at: Date) => Promise<unknown>,
): void {
  const now = new Date();
  if (lastUsedAt && now.getTime() - lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  remember(now);
  write(now).catch(() => undefined);
}
