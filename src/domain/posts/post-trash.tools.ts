import { Payload } from '@nestjs/microservices';
import { McpController, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { RequiresApproval } from '../../access/requires-approval.decorator';
import { annotations, idParam } from '../../mcp/tool-params';
import { postOutput } from './dto/post.response';
import { PostTrashService } from './post-trash.service';
import { TRASH_RETENTION_DAYS } from './trash-retention';

const postIdParams = z.object({ post_id: idParam('post') }).strict();

@McpController()
export class PostTrashTools {
  constructor(private readonly trash: PostTrashService) {}

  @Tool({
    name: 'delete_post',
    description:
      `Move a post to the trash. It disappears from get_post and list_posts, stays listed with list_posts ` +
      `(trashed: true), and can be brought back with restore_post for ${TRASH_RETENTION_DAYS} days (until ` +
      'restorable_until); after that it is purged for good. Does not remove anything already published on a network. ' +
      'Refused with post_not_editable while the post is scheduled (cancel_post first), being published or its ' +
      'outcome is unknown.',
    parameters: postIdParams,
    outputSchema: postOutput,
    annotations: { title: 'Delete post (to trash)', ...annotations.delete },
  })
  @RequireScopes('posts:delete')
  @RequiresApproval({ action: 'delete', reason: 'deletes posts (restorable from the trash)' })
  async deletePost(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof postIdParams>) {
    return this.trash.delete(actor, args.post_id);
  }

  @Tool({
    name: 'restore_post',
    description:
      `Undo delete_post: take a post out of the trash, exactly as it was, within ${TRASH_RETENTION_DAYS} days of ` +
      'deleting it. Errors: not_restorable when the post is not in the trash or its restorable_until has passed; ' +
      'not_found for a post of another workspace or one already purged.',
    parameters: postIdParams,
    outputSchema: postOutput,
    annotations: { title: 'Restore post from trash', ...annotations.update },
  })
  @RequireScopes('posts:update')
  async restorePost(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof postIdParams>) {
    return this.trash.restore(actor, args.post_id);
  }
}
