import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { returningRows } from '../../../database/returning-rows';
import { PlatformConnectors } from '../../../publishing/connectors/platform-connectors';
import { PublishRejected, type PublishedPost } from '../../../publishing/connectors/platform-connector';
import { PUBLISHING_QUEUE, type PublishingJob, type PublishingQueue } from '../../../publishing/publishing-queue';
import { readTargets, refreshPostStatus, type PublishTarget } from './publish-target';
import { NothingToDo, WorkerChanges } from './worker-changes';

export const PUBLISH_JOB = 'publish-target';
/** How long a claimed target is held; past it, a silent process's attempt counts as outcome unknown. */
export const LEASE_SECONDS = 300;
/** Attempts per scheduling, counting only those the network confirmed did not publish. */
export const MAX_PUBLISH_ATTEMPTS = 3;
/**
 * How long an outcome stays unknown before the network is asked: a request still on its way (or
 * slow to show on the network) must not be taken for one that never arrived.
 */
export const RECONCILE_AFTER_SECONDS = 60;
const SWEEP_MS = 15_000;
/** Due targets are queued this far ahead, so timers, not sweeps, decide the exact moment. */
const QUEUE_AHEAD_MS = 4 * SWEEP_MS;
const RETRY_DELAY_MS = 30_000;

/**
 * Publishes due targets, at most once each. PostgreSQL holds the truth; the queue only says when
 * to look. A target is claimed by a conditional update (scheduled → publishing, with a lease), so
 * two processes holding the same job cannot both publish it. Anything but a clear answer from the
 * network makes the target `unknown`, and it is retried only after the network was asked whether
 * the first attempt landed. A process without the platform's connector leaves the target alone.
 */
@Injectable()
export class PublishRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('PublishRunner');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

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
    await this.sweeping?.catch(() => undefined);
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

  /** One sweep: expired leases become unknown, unknown outcomes are confirmed, due targets queued. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepLogged(): Promise<void> {
    try {
      await this.sweep();
    } catch (err) {
      this.logger.error(`publishing sweep failed; next in ${SWEEP_MS / 1000} s: ${(err as Error).message}`);
    }
  }

  private async sweepOnce(): Promise<void> {
    for (const t of await readTargets(this.m, `t.status = 'publishing' AND t.lease_expires_at < now()`, [])) {
      await this.moveTo(t, 'unknown', {
        code: 'lease_expired',
        message: 'the publishing attempt did not report back in time',
      });
    }
    const settled = `t.status = 'unknown' AND t.updated_at < now() - make_interval(secs => $1)`;
    for (const t of await readTargets(this.m, settled, [RECONCILE_AFTER_SECONDS])) {
      if (this.connectors.for(t.platform)) await this.reconcile(t);
    }
    const due = await readTargets(
      this.m,
      `t.status = 'scheduled' AND t.scheduled_at <= now() + make_interval(secs => $1)`,
      [QUEUE_AHEAD_MS / 1000],
    );
    await this.enqueue(
      due.filter((t) => this.connectors.for(t.platform)),
      `-r${Math.floor(Date.now() / SWEEP_MS)}`,
    );
  }

  private async handle(job: PublishingJob): Promise<void> {
    if (job.name !== PUBLISH_JOB || typeof job.data.targetId !== 'string') return;
    const [target] = await readTargets(this.m, `t.id = $1`, [job.data.targetId]);
    if (!target || target.status !== 'scheduled') return;
    const connector = this.connectors.for(target.platform);
    // Failing the job hands it back to the queue, for a process that has the connector.
    if (!connector) throw new Error(`no ${target.platform} connector in this process`);
    const claimed = await this.claim(target);
    if (!claimed) {
      // Still scheduled but not due by the database's clock: try again shortly (the queue backs off).
      if (target.scheduledAt && target.scheduledAt.getTime() > Date.now() - 1000) throw new Error('not due yet');
      return;
    }
    let published: PublishedPost;
    try {
      published = await connector.publish(target.request);
    } catch (err) {
      await this.afterFailure(claimed, err);
      return;
    }
    await this.markPublished(claimed, published);
  }

  /** scheduled → publishing, if still scheduled and due; undefined when another process has it. */
  private claim(t: PublishTarget): Promise<PublishTarget | undefined> {
    return this.changes.run(t.workspaceId, 'publish-target claim', this.argsOf(t), async (m) => {
      const [row] = returningRows<{ attempts: number }>(
        await m.query(
          `UPDATE post_targets SET status = 'publishing', attempts = attempts + 1,
                  lease_expires_at = now() + make_interval(secs => $2), error_code = NULL, error_message = NULL,
                  updated_at = now()
            WHERE id = $1 AND status = 'scheduled' AND scheduled_at <= now()
              AND EXISTS (SELECT 1 FROM posts p WHERE p.id = post_id AND p.deleted_at IS NULL)
          RETURNING attempts`,
          [t.id, LEASE_SECONDS],
        ),
      );
      if (!row) throw new NothingToDo();
      await refreshPostStatus(m, t.workspaceId, t.postId);
      return { ...t, status: 'publishing' as const, attempts: row.attempts };
    });
  }

  private async afterFailure(t: PublishTarget, err: unknown): Promise<void> {
    if (!(err instanceof PublishRejected)) {
      // It may have reached the network: never send again before asking (see reconcile).
      await this.moveTo(t, 'unknown', { code: 'outcome_unknown', message: messageOf(err) });
      return;
    }
    if (err.retryable && t.attempts < MAX_PUBLISH_ATTEMPTS) {
      await this.retryLater(t, { code: err.code, message: err.message });
      return;
    }
    await this.moveTo(t, 'failed', { code: err.code, message: err.message });
  }

  /** Asks the network whether an attempt of unknown outcome landed, and acts on the answer. */
  private async reconcile(t: PublishTarget): Promise<void> {
    const connector = this.connectors.for(t.platform);
    if (!connector) return;
    let found: PublishedPost | undefined;
    try {
      found = await connector.find(t.request);
    } catch (err) {
      this.logger.warn(`could not confirm target ${t.id} yet: ${messageOf(err)}`);
      return;
    }
    if (found) await this.markPublished(t, found);
    else if (t.attempts < MAX_PUBLISH_ATTEMPTS)
      await this.retryLater(t, { code: 'not_published', message: 'the network has no post from the last attempt' });
    else
      await this.moveTo(t, 'failed', {
        code: 'not_published',
        message: `not published after ${t.attempts} attempts`,
      });
  }

  private async markPublished(t: PublishTarget, post: PublishedPost): Promise<void> {
    await this.changes.run(t.workspaceId, 'publish-target published', this.argsOf(t), async (m) => {
      // Also from unknown: a late answer from the attempt itself is the best evidence there is.
      const rows = returningRows(
        await m.query(
          `UPDATE post_targets SET status = 'published', external_id = $3, external_url = $4, published_at = now(),
                  lease_expires_at = NULL, error_code = NULL, error_message = NULL, updated_at = now()
            WHERE id = $1 AND attempts = $2 AND status IN ('publishing', 'unknown') RETURNING id`,
          [t.id, t.attempts, post.externalId, post.url],
        ),
      );
      if (!rows.length) throw new NothingToDo();
      await refreshPostStatus(m, t.workspaceId, t.postId);
    });
  }

  private async retryLater(t: PublishTarget, error: { code: string; message: string }): Promise<void> {
    const at = new Date(Date.now() + RETRY_DELAY_MS * t.attempts);
    const moved = await this.changes.run(t.workspaceId, 'publish-target retry', this.argsOf(t), async (m) => {
      const rows = returningRows(
        await m.query(
          `UPDATE post_targets SET status = 'scheduled', scheduled_at = $3, lease_expires_at = NULL,
                  error_code = $4, error_message = $5, updated_at = now()
            WHERE id = $1 AND attempts = $2 AND status IN ('publishing', 'unknown') RETURNING id`,
          [t.id, t.attempts, at, error.code, error.message.slice(0, 500)],
        ),
      );
      if (!rows.length) throw new NothingToDo();
      await refreshPostStatus(m, t.workspaceId, t.postId);
      return true;
    });
    if (moved) await this.enqueue([{ id: t.id, attempts: t.attempts, scheduledAt: at }]);
  }

  private async moveTo(
    t: PublishTarget,
    status: 'unknown' | 'failed',
    error: { code: string; message: string },
  ): Promise<void> {
    await this.changes.run(t.workspaceId, `publish-target ${status}`, this.argsOf(t), async (m) => {
      const rows = returningRows(
        await m.query(
          `UPDATE post_targets SET status = $3, lease_expires_at = NULL, error_code = $4, error_message = $5,
                  updated_at = now()
            WHERE id = $1 AND attempts = $2 AND status IN ('publishing', 'unknown') RETURNING id`,
          [t.id, t.attempts, status, error.code, error.message.slice(0, 500)],
        ),
      );
      if (!rows.length) throw new NothingToDo();
      await refreshPostStatus(m, t.workspaceId, t.postId);
    });
  }

  private argsOf(t: PublishTarget): Record<string, unknown> {
    return { post_id: t.postId, target_id: t.id, social_account_id: t.request.account.id, attempt: t.attempts };
  }
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
