import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../../access/actor';
import { AuditContext } from '../../../audit/audit-context';
import { HOURLY_MS, HourlyJob } from '../../../common/jobs/hourly-job';
import { PostTrashService } from '../post-trash.service';

/** How often the API process empties the expired part of the trash. */
export const PURGE_INTERVAL_MS = HOURLY_MS;

/**
 * Hard-deletes posts trashed more than 30 days ago, hourly, in the API process: per workspace, one
 * audited state change on the worker surface, made by the system (the operator), not by a caller.
 */
@Injectable()
export class PurgeTrashedPostsJob extends HourlyJob<string[]> {
  constructor(private readonly trash: PostTrashService) {
    super(new Logger('PurgeTrashedPosts'), 'purge');
  }

  /**
   * One audited change per workspace, by the system on the worker surface, so each workspace's own
   * trail (and its export) shows which of its posts were destroyed and when. Returns the ids of the
   * posts removed.
   */
  protected async work(): Promise<string[]> {
    const purged: string[] = [];
    for (const [workspaceId, ids] of await this.trash.expiredTrash()) {
      const draft = AuditContext.start('worker', 'job purge-trashed-posts', randomUUID());
      draft.actor = { ...operatorActor(), surface: 'worker' };
      purged.push(...(await AuditContext.run(draft, () => this.trash.purge(workspaceId, ids))));
    }
    return purged;
  }

  protected report(purged: string[]): string | undefined {
    return purged.length ? `purged ${purged.length} post(s) from the trash` : undefined;
  }
}
