import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { workspaceOf, type Actor } from '../../../access/actor';
import { AuditedTransactions } from '../../../audit/audited-transactions.service';
import { AppError, invalidField, notFound, type ErrorDetail } from '../../../common/app-error';
import { IdempotencyService } from '../../../common/idempotency/idempotency.service';
import { isIsoTimestamp } from '../../../common/validation/calendar-date';
import { isUuid } from '../../../common/validation/uuid';
import { PlatformConnectors } from '../../../publishing/connectors/platform-connectors';
import type { Platform } from '../../../publishing/rules/platforms';
import { requireVersion } from '../content-input';
import type { PostResponse } from '../dto/post.response';
import { postStatusOf, type PostStatus } from '../post-status';
import { PostValidationService } from '../post-validation.service';
import { PostsRepository } from '../posts.repository';
import { PublishRunner } from './publish-runner.service';

/** How far ahead a post may be scheduled. */
export const MAX_SCHEDULE_AHEAD_DAYS = 365;
const DAY_MS = 24 * 3600 * 1000;

export interface StartPublishingInput {
  expected_version?: number;
  idempotency_key?: string;
}

export interface SchedulePostInput extends StartPublishingInput {
  /** ISO 8601 with a UTC offset. */
  publish_at: string;
}

export type ScheduledPost = PostResponse & { replayed: boolean };

/** Post statuses from which a post may be (re)scheduled or published. */
const STARTABLE: readonly PostStatus[] = ['ready', 'scheduled', 'cancelled'];

interface TargetCheckRow {
  id: string;
  social_account_id: string;
  platform: Platform;
  account_status: string;
  status: PostStatus;
}

/**
 * schedule_post, publish_post and cancel_post. Scheduling checks everything that can be checked
 * before the moment comes — the platform rules, every target account active and publishable —
 * so a scheduled post fails at its time only for reasons the network gives.
 */
@Injectable()
export class PostSchedulingService {
  private readonly logger = new Logger('PostScheduling');

  constructor(
    private readonly repository: PostsRepository,
    private readonly audited: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly validation: PostValidationService,
    private readonly connectors: PlatformConnectors,
    private readonly runner: PublishRunner,
  ) {}

  schedule(actor: Actor, id: string, input: SchedulePostInput): Promise<ScheduledPost> {
    if (!isIsoTimestamp(input.publish_at))
      throw invalidField(
        'publish_at',
        'must be an ISO 8601 timestamp with an offset, such as 2026-12-01T09:00:00+01:00',
      );
    const at = new Date(input.publish_at);
    if (at.getTime() <= Date.now()) throw invalidField('publish_at', 'is in the past; use publish_post to publish now');
    if (at.getTime() > Date.now() + MAX_SCHEDULE_AHEAD_DAYS * DAY_MS)
      throw invalidField('publish_at', `is more than ${MAX_SCHEDULE_AHEAD_DAYS} days ahead`);
    const { idempotency_key: key, ...payload } = input;
    return this.start(actor, id, at, { operation: 'schedule_post', key, payload: { post_id: id, ...payload } });
  }

  publishNow(actor: Actor, id: string, input: StartPublishingInput): Promise<ScheduledPost> {
    const { idempotency_key: key, ...payload } = input;
    return this.start(actor, id, undefined, { operation: 'publish_post', key, payload: { post_id: id, ...payload } });
  }

  /**
   * Takes what is still scheduled off the schedule (also targets waiting to retry), as long as no
   * target is being published or has an outcome being confirmed.
   */
  async cancel(actor: Actor, id: string, expected?: number): Promise<PostResponse> {
    const workspaceId = workspaceOf(actor);
    if (!isUuid(id)) throw notFound('post');
    return this.audited.run(async (m) => {
      const post = await this.repository.lockForChange(m, workspaceId, id);
      const targets = await this.targetsOf(m, workspaceId, id);
      const inFlight = targets.find((t) => t.status === 'publishing' || t.status === 'unknown');
      if (inFlight || !targets.some((t) => t.status === 'scheduled')) {
        throw new AppError(
          'post_not_schedulable',
          inFlight
            ? 'a target of this post is being published or its outcome is being confirmed; follow it with get_post_status'
            : `nothing of this post is scheduled (it is ${post.status}): there is nothing to cancel`,
          [{ field: 'status', issue: inFlight?.status ?? post.status }],
        );
      }
      requireVersion('post', post.version, expected, 'get_post');
      await m.query(
        `UPDATE post_targets SET status = 'cancelled', updated_at = now()
          WHERE workspace_id = $1 AND post_id = $2 AND status = 'scheduled'`,
        [workspaceId, id],
      );
      post.status = postStatusOf(targets.map((t) => (t.status === 'scheduled' ? 'cancelled' : t.status)));
      post.version += 1;
      await m.save(post);
      return this.repository.responseOf(m, workspaceId, id);
    });
  }

  private async start(
    actor: Actor,
    id: string,
    at: Date | undefined,
    request: { operation: string; key?: string; payload: StartPublishingInput & { post_id: string } },
  ): Promise<ScheduledPost> {
    const workspaceId = workspaceOf(actor);
    if (!isUuid(id)) throw notFound('post');
    const expected = request.payload.expected_version;
    // Everything is checked inside the transaction that holds the post, after the idempotency key:
    // a replay answers from the key whatever became of the post since, and the content checked
    // is the content that goes.
    const result = await this.audited.run((m) =>
      this.idempotency.run(m, actor, workspaceId, request, async () => {
        const post = await this.repository.lockForChange(m, workspaceId, id);
        const targets = await this.targetsOf(m, workspaceId, id);
        const blocking = targets.find((t) => !STARTABLE.includes(t.status));
        if (!STARTABLE.includes(post.status) || blocking) {
          throw new AppError(
            'post_not_schedulable',
            `this post is ${post.status}${blocking ? ` (a target is ${blocking.status})` : ''}; only a ready, ` +
              'scheduled or cancelled post can be scheduled or published. Follow it with get_post_status, or ' +
              'create a new post for new content.',
            [{ field: 'status', issue: blocking?.status ?? post.status }],
          );
        }
        requireVersion('post', post.version, expected, 'get_post');
        this.requirePublishable(targets);
        const checked = await this.validation.checkSaved(
          m,
          post,
          targets.map((t) => t.social_account_id),
        );
        if (!checked.valid) throw rulesViolated(checked.results);
        const when = at ?? new Date();
        await m.query(
          `UPDATE post_targets SET status = 'scheduled', scheduled_at = $3, attempts = 0, lease_expires_at = NULL,
                  error_code = NULL, error_message = NULL, updated_at = now()
            WHERE workspace_id = $1 AND post_id = $2 AND status IN ('ready', 'scheduled', 'cancelled')`,
          [workspaceId, id, when],
        );
        post.status = 'scheduled';
        post.scheduledAt = when;
        post.version += 1;
        await m.save(post);
        return this.repository.responseOf(m, workspaceId, id);
      }),
    );
    if (!result.replayed) await this.queueTargets(workspaceId, id);
    return result;
  }

  /** After commit. If the queue cannot take them now, the runner's next sweep does: the rows are the truth. */
  private async queueTargets(workspaceId: string, postId: string): Promise<void> {
    try {
      const rows = await this.repository.scheduledTargets(workspaceId, postId);
      await this.runner.enqueue(rows);
    } catch (err) {
      this.logger.warn(`post ${postId} is scheduled; queueing waits for the next sweep: ${(err as Error).message}`);
    }
  }

  private requirePublishable(targets: TargetCheckRow[]): void {
    const problems: ErrorDetail[] = [];
    for (const t of targets) {
      if (t.account_status !== 'active')
        problems.push({ field: 'social_account_ids', issue: `${t.social_account_id} is ${t.account_status}` });
      else if (!this.connectors.for(t.platform))
        problems.push({
          field: 'social_account_ids',
          issue: `${t.social_account_id}: this installation has no ${t.platform} connector`,
        });
    }
    if (problems.length)
      throw new AppError(
        'target_unavailable',
        'cannot publish to every target: ' + problems.map((p) => p.issue).join('; '),
        problems,
      );
  }

  private targetsOf(m: EntityManager, workspaceId: string, postId: string): Promise<TargetCheckRow[]> {
    return m.query<TargetCheckRow[]>(
      `SELECT t.id, t.social_account_id, a.platform, a.status AS account_status, t.status
         FROM post_targets t JOIN social_accounts a ON a.id = t.social_account_id AND a.workspace_id = t.workspace_id
        WHERE t.workspace_id = $1 AND t.post_id = $2`,
      [workspaceId, postId],
    );
  }
}

function rulesViolated(
  results: { platform: Platform; violations: { rule_id: string; field: string; message: string }[] }[],
): AppError {
  const details = results.flatMap((r) =>
    r.violations.map((v) => ({ field: `${r.platform}.${v.field}`, issue: `${v.rule_id}: ${v.message}` })),
  );
  return new AppError(
    'rules_violated',
    `the post breaks ${details.length} platform rule(s); fix them (validate_post shows each) and try again: ` +
      details.map((d) => d.issue).join(' | '),
    details,
  );
}
