import { AppError } from '../../common/app-error';
import { LOCKED_POST_STATUSES, type PostStatus } from './post-status';

const WHY: Partial<Record<PostStatus, string>> = {
  scheduled: 'is scheduled as checked',
  publishing: 'is being published right now',
  published: 'is already published',
  unknown: 'may already be published (its outcome is still being confirmed with the network)',
};

/** The first locked status among the post's and its targets', if any. */
export function lockedStatus(statuses: readonly PostStatus[]): PostStatus | undefined {
  return statuses.find((s) => LOCKED_POST_STATUSES.includes(s));
}

/** Content on (or on its way to) a network cannot change: say why and what to do instead. */
export function postNotEditable(status: PostStatus): AppError {
  const instead =
    status === 'scheduled'
      ? 'To change it, cancel it with cancel_post, update it, then schedule it again.'
      : 'To post different content, create a new post (create_post or create_post_from_draft); ' +
        'follow this one with get_post_status.';
  return new AppError(
    'post_not_editable',
    `this post ${WHY[status] ?? `is ${status}`}, so its content, targets and campaign cannot change now. ${instead}`,
    [{ field: 'status', issue: status }],
  );
}

/** Trashing a post mid-flight would leave the network and Postern disagreeing about it. */
export function postNotTrashable(status: PostStatus): AppError {
  return new AppError(
    'post_not_editable',
    `this post ${WHY[status] ?? `is ${status}`}, so it cannot be moved to the trash now. ` +
      (status === 'scheduled'
        ? 'Cancel it with cancel_post first, then delete it.'
        : 'Wait until get_post_status shows published or failed, then delete it.'),
    [{ field: 'status', issue: status }],
  );
}

export function notRestorable(reason: string): AppError {
  return new AppError('not_restorable', reason);
}
