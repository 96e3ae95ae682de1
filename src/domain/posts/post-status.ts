/**
 * A post's life. Creating one gives `ready` and never publishes; schedule_post and publish_post
 * move it to `scheduled`, and the publish runner on through `publishing` to `published`, `failed`
 * or `unknown` (sent, outcome being confirmed). Content can change only while nothing is due.
 */
export const POST_STATUSES = [
  'ready',
  'pending_approval',
  'scheduled',
  'publishing',
  'published',
  'failed',
  'unknown',
  'cancelled',
] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/**
 * Statuses in which edits are refused: the content is, or may already be, on a network, or it is
 * scheduled as checked (cancel_post first, so nothing unchecked goes out).
 */
export const LOCKED_POST_STATUSES: readonly PostStatus[] = ['scheduled', 'publishing', 'published', 'unknown'];

/**
 * A post's status from its targets': the most pressing one wins. Something in flight, or whose
 * outcome is being confirmed, outranks what is waiting. Once every target is done, a failure
 * shows first, then a post live on some network (published, even if other targets were
 * cancelled), else cancelled.
 */
export function postStatusOf(targets: readonly PostStatus[]): PostStatus {
  for (const s of ['publishing', 'unknown', 'scheduled', 'pending_approval'] as const) {
    if (targets.includes(s)) return s;
  }
  if (targets.includes('ready') || !targets.length) return 'ready';
  // Every target is done: a failure shows first, then anything live on a network.
  if (targets.includes('failed')) return 'failed';
  if (targets.includes('published')) return 'published';
  return 'cancelled';
}
