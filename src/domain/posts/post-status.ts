/**
 * A post's life. Creating one gives `ready` and never publishes; the approvals and publishing
 * issues move it on. Content can change only while nothing is on its way to a network.
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

/** Statuses in which the content is, or may already be, on a network: edits are refused. */
export const LOCKED_POST_STATUSES: readonly PostStatus[] = ['publishing', 'published', 'unknown'];
