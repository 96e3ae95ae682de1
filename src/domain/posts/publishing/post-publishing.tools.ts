import { Payload } from '@nestjs/microservices';
import { McpController, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import type { Actor } from '../../../access/actor';
import { CurrentActor } from '../../../access/current-actor.decorator';
import { RequireScopes } from '../../../access/require-scopes.decorator';
import { RequiresApproval } from '../../../access/requires-approval.decorator';
import { annotations, idempotencyKeyParam, idParam, timestampParam } from '../../../mcp/tool-params';
import { expectedVersionParam } from '../content-params';
import { createdPostOutput, postOutput } from '../dto/post.response';
import { MAX_SCHEDULE_AHEAD_DAYS, PostSchedulingService } from './post-scheduling.service';

const schedulePostParams = z
  .object({
    post_id: idParam('post'),
    publish_at: timestampParam.describe(
      `When to publish: ISO 8601 with an explicit offset, e.g. 2026-12-01T09:00:00+01:00 (get_workspace gives ` +
        `the workspace time zone). In the future, at most ${MAX_SCHEDULE_AHEAD_DAYS} days ahead.`,
    ),
    expected_version: expectedVersionParam.optional(),
    idempotency_key: idempotencyKeyParam.optional(),
  })
  .strict();

const publishPostParams = z
  .object({
    post_id: idParam('post'),
    expected_version: expectedVersionParam.optional(),
    idempotency_key: idempotencyKeyParam.optional(),
  })
  .strict();

const cancelPostParams = z
  .object({ post_id: idParam('post'), expected_version: expectedVersionParam.optional() })
  .strict();

const BEFORE =
  'Before anything is queued, the post is checked against every target platform’s rules (rules_violated lists ' +
  'each violation; validate_post shows the same) and every target account must be active and publishable ' +
  '(target_unavailable names the accounts). Only a ready, scheduled or cancelled post can go ' +
  '(post_not_schedulable otherwise). With the workspace’s default policy this needs a person’s approval: ' +
  'approval_required means nothing was scheduled. ';

@McpController()
export class PostPublishingTools {
  constructor(private readonly scheduling: PostSchedulingService) {}

  @Tool({
    name: 'schedule_post',
    description:
      'Schedule a saved post to be published on all its target accounts at publish_at. ' +
      BEFORE +
      'A scheduled post cannot be edited or deleted: cancel_post first. Scheduling again moves the time (and ' +
      'starts its retry budget afresh). What is published cannot be taken back by Postern. ' +
      'Returns the post with status scheduled; follow progress with get_post_status. With idempotency_key, a repeat ' +
      'returns the first result with replayed: true.',
    parameters: schedulePostParams,
    outputSchema: createdPostOutput,
    // Destructive in the sense that matters to a client: what goes out cannot be called back.
    annotations: { title: 'Schedule post', ...annotations.create, destructiveHint: true, openWorldHint: true },
  })
  @RequireScopes('posts:schedule')
  @RequiresApproval({ action: 'schedule', reason: 'schedules a post to go out on social networks' })
  async schedulePost(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof schedulePostParams>) {
    const { post_id: id, ...input } = args;
    return this.scheduling.schedule(actor, id, input);
  }

  @Tool({
    name: 'publish_post',
    description:
      'Publish a saved post now on all its target accounts. ' +
      BEFORE +
      'Publishing runs in the background: the answer has status scheduled (due now); get_post_status then shows ' +
      'each target publishing, then published (with external_url) or failed (with error). unknown means the network ' +
      'did not answer clearly: Postern asks the network whether the post landed before it ever sends again. What ' +
      'is published cannot be taken back by Postern. ' +
      'With idempotency_key, a repeat returns the first result with replayed: true.',
    parameters: publishPostParams,
    outputSchema: createdPostOutput,
    annotations: { title: 'Publish post now', ...annotations.create, destructiveHint: true, openWorldHint: true },
  })
  @RequireScopes('posts:publish')
  @RequiresApproval({ action: 'publish', reason: 'publishes a post on social networks' })
  async publishPost(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof publishPostParams>) {
    const { post_id: id, ...input } = args;
    return this.scheduling.publishNow(actor, id, input);
  }

  @Tool({
    name: 'cancel_post',
    description:
      'Take what is still scheduled of a post off the schedule before it goes out (also targets waiting to retry ' +
      'after a failed attempt). If nothing of it went out, status becomes cancelled and it can then be edited, ' +
      'scheduled again or deleted; if a target was already published, the post stays published and only its ' +
      'other targets are cancelled. Refused with post_not_schedulable when nothing is scheduled or a target is ' +
      'being published or its outcome is being confirmed. Bumps version.',
    parameters: cancelPostParams,
    outputSchema: postOutput,
    annotations: { title: 'Cancel scheduled post', ...annotations.versionedUpdate },
  })
  @RequireScopes('posts:schedule')
  async cancelPost(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof cancelPostParams>) {
    return this.scheduling.cancel(actor, args.post_id, args.expected_version);
  }
}
