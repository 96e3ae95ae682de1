import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../../access/actor';
import { AuditContext } from '../../../audit/audit-context';
import { PostTrashService } from '../post-trash.service';

/** How often the API process empties the expired part of the trash. */
export const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Hard-deletes posts trashed more than 30 days ago, hourly, in the API process: per workspace, one
 * audited state change on the worker surface, made by the system (the operator), not by a caller.
 */
@Injectable()
export class PurgeTrashedPostsJob implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PurgeTrashedPosts');
  private timer?: NodeJS.Timeout;
  private running?: Promise<string[]>;

  constructor(private readonly trash: PostTrashService) {}

  onModuleInit(): void {
    // unref: a pending purge never keeps the process alive on its own.
    this.timer = setInterval(() => void this.tick(), PURGE_INTERVAL_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    // Let a run that already started commit (or roll back) before the database goes away.
    await this.running?.catch(() => undefined);
  }

  /** One purge, as the timer runs it; callable directly. Returns the ids of the posts removed. */
  run(): Promise<string[]> {
    this.running ??= this.purgeAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * One audited change per workspace, by the system on the worker surface, so each workspace's own
   * trail (and its export) shows which of its posts were destroyed and when.
   */
  private async purgeAll(): Promise<string[]> {
    const purged: string[] = [];
    for (const [workspaceId, ids] of await this.trash.expiredTrash()) {
      const draft = AuditContext.start('worker', 'job purge-trashed-posts', randomUUID());
      draft.actor = { ...operatorActor(), surface: 'worker' };
      purged.push(...(await AuditContext.run(draft, () => this.trash.purge(workspaceId, ids))));
    }
    return purged;
  }

  private async tick(): Promise<void> {
    try {
      const purged = await this.run();
      if (purged.length) this.logger.log(`purged ${purged.length} post(s) from the trash`);
    } catch (err) {
      this.logger.error(`purge failed; next try in an hour: ${(err as Error).message}`);
    }
  }
}
