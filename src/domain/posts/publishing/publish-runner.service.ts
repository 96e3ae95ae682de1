import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { returningRows } from '../../../database/returning-rows';
import { PlatformConnectors } from '../../../publishing/connectors/platform-connectors';
import { PublishRejected, type PublishedPost } from '../../../publishing/connectors/platform-connector';
import {
  PUBLISHING_QUEUE,
  QueueUnavailableError,
  type PublishingJob,
  type PublishingQueue,
} from '../../../publishing/publishing-queue';
import type { PostStatus } from '../post-status';
import { lockPost, MEDIA_MISSING, readTargets, refreshPostStatus, type PublishTarget } from './publish-target';
import { NothingToDo, WorkerChanges } from './worker-changes';
import { RepeatedErrorLog } from '../../../common/repeated-error-log';
import { within } from '../../../common/within';

export const PUBLISH_JOB = 'publish-target';
/** How long a claimed target is held; past it, a silent process's attempt counts as outcome unknown. */
export const LEASE_SECONDS = 300;
/** How long the runner waits for a network's answer; well inside the lease. */
export const PUBLISH_TIMEOUT_MS = 120_000;
/**
 * How long an outcome stays unknown before the network is asked: a request still on its way (or
 * slow to show on the network) must not be taken for one that never arrived.
 */
export const RECONCILE_AFTER_SECONDS = 60;
/** Attempts per scheduling, counting only those the network confirmed did not publish. */
export const MAX_PUBLISH_ATTEMPTS = 3;
const SWEEP_MS = 15_000;
/** Due targets are queued this far ahead, so timers, not sweeps, decide the exact moment. */
const QUEUE_AHEAD_MS = 4 * SWEEP_MS;
/** Outcomes confirmed per sweep, so slow networks cannot hold up the rest of it. */
const RECONCILE_BATCH = 20;
const RETRY_DELAY_MS = 30_000;

type TargetError = { code: string; message: string };

/**
 * Publishes due targets, at most once each. PostgreSQL holds the truth; the queue only says when
 * to look. A target is claimed by a conditional update (scheduled → publishing) that also mints a
 * claim token; every later step of that attempt must match the token, so a late or duplicate
 * answer can never move a newer attempt. Anything but a clear answer from the network makes the
 * target `unknown`, and it is retried only after the network, asked by one process at a time, says
 * the attempt did not land. A late success still wins: it marks the target published and stops a
 * retry that has not started. A process without the platform's connector leaves the target alone.
 */
@Injectable()
export class PublishRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('PublishRunner');
  private readonly queueErrors = new RepeatedErrorLog(this.logger, 'queueing waits for a later sweep');
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    @InjectEntityManager() private readonly m: EntityManager,
    @Inject(PUBLISHING_QUEUE) private readonly queue: PublishingQueue,
    private readonly connectors: PlatformConnectors,
    private readonly changes: WorkerChanges,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.setHandler((job) => this.handle(job));
    this.timer = setInterval(() => void this.sweepLogged(), SWEEP_MS).unref();
    void this.sweepLogged();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.chain.catch(() => undefined);
  }

  /** Puts targets that are due soon on the queue; later ones are picked up by a sweep nearer the time. */
  async enqueue(
    targets: readonly { id: string; attempts: number; scheduledAt: Date | null }[],
    round = '',
  ): Promise<void> {
    const horizon = Date.now() + QUEUE_AHEAD_MS;
    for (const t of targets) {
      const at = t.scheduledAt?.getTime() ?? Date.now();
      if (at > horizon) continue;
      // One job per target, due time and attempt (and sweep round: a job that ran without effect
      // must not block the next sweep's). Extra jobs are harmless: only one can claim the target.
      await this.queue.enqueue(
        { id: `publish-${t.id}-${at}-${t.attempts}${round}`, name: PUBLISH_JOB, data: { targetId: t.id } },
        { delayMs: at - Date.now() },
      );
    }
  }

  /**
   * A full sweep, started after any sweep already running: due targets queued, expired leases made
   * unknown, unknown outcomes confirmed with the network.
   */
  sweep(): Promise<void> {
    this.pending++;
    const run = this.chain
      .catch(() => undefined)
      .then(() => this.sweepOnce())
      .finally(() => {
        this.pending--;
      });
    this.chain = run;
    return run;
  }

  private async sweepLogged(): Promise<void> {
    if (this.pending) return;
    try {
      await this.sweep();
    } catch (err) {
      this.logger.error(`publishing sweep failed; next in ${SWEEP_MS / 1000} s: ${messageOf(err)}`);
    }
  }

  private async sweepOnce(): Promise<void> {
    // Queueing first: nothing below (slow networks, a failing row) may hold up due posts.
    const due = await readTargets(
      this.m,
      `t.status = 'scheduled' AND t.scheduled_at <= now() + make_interval(secs => $1)`,
      [QUEUE_AHEAD_MS / 1000],
    );
    // The rest needs only PostgreSQL: a queue that is down (Redis) must not stop it.
    await this.enqueue(
      due.filter((t) => this.connectors.for(t.platform)),
      `-r${Math.floor(Date.now() / SWEEP_MS)}`,
    ).catch((err: unknown) => this.queueFailed(err));
    for (const t of await readTargets(this.m, `t.status = 'publishing' AND t.lease_expires_at < now()`, [])) {
      await this.logged(t, () =>
        this.settle(t, ['publishing'], 'unknown', {
          code: 'lease_expired',
          message: 'the publishing attempt did not report back in time',
        }),
      );
    }
    const settled = `t.status = 'unknown' AND t.updated_at < now() - make_interval(secs => $1)
      AND (t.lease_expires_at IS NULL OR t.lease_expires_at < now())
      ORDER BY t.updated_at LIMIT ${RECONCILE_BATCH}`;
    for (const t of await readTargets(this.m, settled, [RECONCILE_AFTER_SECONDS])) {
      if (this.connectors.for(t.platform)) await this.logged(t, () => this.reconcile(t));
    }
  }

  private async logged(t: PublishTarget, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.logger.warn(`target ${t.id}: ${messageOf(err)}; next sweep tries again`);
    }
  }

  private async handle(job: PublishingJob): Promise<void> {
    if (job.name !== PUBLISH_JOB || typeof job.data.targetId !== 'string') return;
    const [seen] = await readTargets(this.m, `t.id = $1`, [job.data.targetId]);
    if (!seen || seen.status !== 'scheduled') return;
    // Rescheduled for later: that time has its own job (or a sweep will queue one).
    if (seen.scheduledAt && seen.scheduledAt.getTime() > Date.now() + 5000) return;
    const connector = this.connectors.for(seen.platform);
    // Failing the job hands it back to the queue, for a process that has the connector.
    if (!connector) throw new Error(`no ${seen.platform} connector in this process`);
    const unsendable = unsendableBecause(seen);
    if (unsendable) {
      await this.failUnsent(seen, unsendable);
      return;
    }
    const claimed = await this.claim(seen);
    if (!claimed) {
      // Still scheduled but not due by the database's clock: try again shortly (the queue backs off).
      if (seen.scheduledAt && seen.scheduledAt.getTime() > Date.now() - 1000) throw new Error('not due yet');
      return;
    }
    let published: PublishedPost;
    try {
      published = await within(PUBLISH_TIMEOUT_MS, (signal) => connector.publish(claimed.request, signal), noAnswer);
    } catch (err) {
      await this.afterFailure(claimed, err);
      return;
    }
    await this.markPublished(claimed, published);
  }

  /**
   * scheduled → publishing with a fresh claim token, if still scheduled, due, live and its account
   * active; the content is read in the same transaction, so what is sent is what was claimed.
   */
  private claim(t: PublishTarget): Promise<PublishTarget | undefined> {
    return this.changes.run(t.workspaceId, 'publish-target claim', argsOf(t, t.attempts + 1), async (m) => {
      await lockPost(m, t.workspaceId, t.postId);
      const rows = returningRows(
        await m.query(
          `UPDATE post_targets SET status = 'publishing', attempts = attempts + 1, claim_token = gen_random_uuid(),
                  lease_expires_at = now() + make_interval(secs => $2), error_code = NULL, error_message = NULL,
                  updated_at = now()
            WHERE id = $1 AND status = 'scheduled' AND scheduled_at <= now()
              AND EXISTS (SELECT 1 FROM posts p WHERE p.id = post_id AND p.deleted_at IS NULL AND NOT ${MEDIA_MISSING})
              AND EXISTS (SELECT 1 FROM social_accounts a
                           WHERE a.id = social_account_id AND a.workspace_id = post_targets.workspace_id
                             AND a.status = 'active')
          RETURNING id`,
          [t.id, LEASE_SECONDS],
        ),
      );
      if (!rows.length) throw new NothingToDo();
      await refreshPostStatus(m, t.workspaceId, t.postId);
      const [claimed] = await readTargets(m, `t.id = $1`, [t.id]);
      return claimed;
    });
  }

  private async afterFailure(t: PublishTarget, err: unknown): Promise<void> {
    if (!(err instanceof PublishRejected)) {
      // It may have reached the network: never send again before asking (see reconcile).
      await this.settle(t, ['publishing'], 'unknown', { code: 'outcome_unknown', message: messageOf(err) });
      return;
    }
    if (err.retryable && t.attempts < MAX_PUBLISH_ATTEMPTS) {
      await this.retryLater(t, ['publishing'], { code: err.code, message: err.message });
      return;
    }
    await this.settle(t, ['publishing'], 'failed', { code: err.code, message: err.message });
  }

  /** Asks the network, one process at a time, whether an attempt of unknown outcome landed. */
  private async reconcile(t: PublishTarget): Promise<void> {
    const connector = this.connectors.for(t.platform);
    if (!connector) return;
    const held = await this.changes.run(t.workspaceId, 'publish-target confirm', argsOf(t), async (m) => {
      const rows = returningRows(
        await m.query(
          `UPDATE post_targets SET lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
            WHERE id = $1 AND claim_token = $2 AND status = 'unknown'
              AND (lease_expires_at IS NULL OR lease_expires_at < now()) RETURNING id`,
          [t.id, t.claimToken, RECONCILE_AFTER_SECONDS],
        ),
      );
      if (!rows.length) throw new NothingToDo();
      return true;
    });
    if (!held) return;
    const found = await within(PUBLISH_TIMEOUT_MS, () => connector.find(t.request), noAnswer);
    if (found) await this.markPublished(t, found);
    else if (t.attempts < MAX_PUBLISH_ATTEMPTS)
      await this.retryLater(t, ['unknown'], {
        code: 'not_published',
        message: 'the network has no post from the last attempt',
      });
    else
      await this.settle(t, ['unknown'], 'failed', {
        code: 'not_published',
        message: `not published after ${t.attempts} attempts`,
      });
  }

  /** From any state of this attempt: a success, even a late one, is the best evidence there is. */
  private async markPublished(t: PublishTarget, post: PublishedPost): Promise<void> {
    const args = { ...argsOf(t), external_id: post.externalId, external_url: post.url };
    await this.changes.run(t.workspaceId, 'publish-target published', args, async (m) => {
      await lockPost(m, t.workspaceId, t.postId);
      const rows = returningRows(
        await m.query(
          `UPDATE post_targets SET status = 'published', external_id = $3, external_url = $4, published_at = now(),
                  lease_expires_at = NULL, error_code = NULL, error_message = NULL, updated_at = now()
            WHERE id = $1 AND claim_token = $2 AND status IN ('publishing', 'unknown', 'scheduled', 'failed')
          RETURNING id`,
          [t.id, t.claimToken, post.externalId, post.url],
        ),
      );
      if (!rows.length) {
        this.logger.warn(`target ${t.id}: a success arrived for an attempt that is no longer current`);
        throw new NothingToDo();
      }
      await refreshPostStatus(m, t.workspaceId, t.postId);
    });
  }

  private async retryLater(t: PublishTarget, from: PostStatus[], error: TargetError): Promise<void> {
    const at = new Date(Date.now() + RETRY_DELAY_MS * t.attempts);
    const moved = await this.changes.run(t.workspaceId, 'publish-target retry', argsOf(t), async (m) => {
      await lockPost(m, t.workspaceId, t.postId);
      const rows = returningRows(
        await m.query(
          `UPDATE post_targets SET status = 'scheduled', scheduled_at = $4, lease_expires_at = NULL,
                  error_code = $5, error_message = $6, updated_at = now()
            WHERE id = $1 AND claim_token = $2 AND status = ANY($3::text[]) RETURNING id`,
          [t.id, t.claimToken, from, at, error.code, error.message.slice(0, 500)],
        ),
      );
      if (!rows.length) throw new NothingToDo();
      await refreshPostStatus(m, t.workspaceId, t.postId);
      return true;
    });
    if (moved)
      await this.enqueue([{ id: t.id, attempts: t.attempts, scheduledAt: at }]).catch((err: unknown) =>
        this.queueFailed(err),
      );
  }

  /**
   * Queueing that failed is left to a later sweep (the rows say what is due), and the sweep goes on:
   * its other work needs only PostgreSQL. A queue that does not answer is logged once a minute;
   * one that answers with an error (Redis out of memory, read-only after a failover) every time.
   */
  private queueFailed(err: unknown): void {
    if (err instanceof QueueUnavailableError) this.queueErrors.error(err);
    else this.logger.error(`queueing failed; a later sweep tries again: ${messageOf(err)}`);
  }

  private async settle(t: PublishTarget, from: PostStatus[], to: 'unknown' | 'failed', error: TargetError) {
    await this.changes.run(t.workspaceId, `publish-target ${to}`, argsOf(t), async (m) => {
      await lockPost(m, t.workspaceId, t.postId);
      const rows = returningRows(
        await m.query(
          `UPDATE post_targets SET status = $4, lease_expires_at = NULL, error_code = $5, error_message = $6,
                  updated_at = now()
            WHERE id = $1 AND claim_token = $2 AND status = ANY($3::text[]) RETURNING id`,
          [t.id, t.claimToken, from, to, error.code, error.message.slice(0, 500)],
        ),
      );
      if (!rows.length) throw new NothingToDo();
      await refreshPostStatus(m, t.workspaceId, t.postId);
    });
  }

  /** A due target that cannot be sent (account inactive, media deleted): failed, never attempted. */
  private async failUnsent(t: PublishTarget, error: TargetError): Promise<void> {
    await this.changes.run(t.workspaceId, 'publish-target failed', argsOf(t), async (m) => {
      await lockPost(m, t.workspaceId, t.postId);
      const rows = returningRows(
        await m.query(
          `UPDATE post_targets SET status = 'failed', error_code = $2, error_message = $3, updated_at = now()
            WHERE id = $1 AND status = 'scheduled' RETURNING id`,
          [t.id, error.code, error.message.slice(0, 500)],
        ),
      );
      if (!rows.length) throw new NothingToDo();
      await refreshPostStatus(m, t.workspaceId, t.postId);
    });
  }
}

/** Why a due target cannot be sent at all: its account went inactive or its media was deleted. */
function unsendableBecause(t: PublishTarget): TargetError | undefined {
  if (t.accountStatus !== 'active')
    return {
      code: 'account_unavailable',
      message: `the account is ${t.accountStatus}; reconnect it and schedule the post again`,
    };
  if (t.mediaMissing)
    return {
      code: 'media_unavailable',
      message: 'media of this post was deleted after it was scheduled; restore or replace it and schedule again',
    };
  return undefined;
}

function argsOf(t: PublishTarget, attempt = t.attempts): Record<string, unknown> {
  return { post_id: t.postId, target_id: t.id, social_account_id: t.request.account.id, attempt };
}

/** A network that did not answer in time: the caller treats it as no answer. */
const noAnswer = () => new Error(`no answer within ${PUBLISH_TIMEOUT_MS / 1000} s`);

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
