/** "Last used" is written at most once a minute per credential: plenty for what it tells, and no write on most calls. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Whether a credential last stamped at `lastUsedAt` should be stamped again at `now`. */
export function lastUsedIsDue(lastUsedAt: Date | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}
