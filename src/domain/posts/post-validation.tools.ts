import { Payload } from '@nestjs/microservices';
import { McpController, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { ScopesForArguments } from '../../access/scopes-for-arguments.decorator';
import { annotations, idParam, platformParam } from '../../mcp/tool-params';
import { PLATFORMS } from '../../publishing/rules/platforms';
import { contentParams, targetIdsParam } from './content-params';
import { postValidationOutput } from './dto/post-validation.response';
import { PostValidationService } from './post-validation.service';

const validatePostParams = z
  .object({
    post_id: idParam('post').optional().describe('Check a saved post (against its own targets by default).'),
    draft_id: idParam('draft')
      .optional()
      .describe('Check a saved draft (against its own accounts by default). Needs the drafts:read scope too.'),
    text: contentParams.text.optional(),
    title: contentParams.title.optional(),
    link: contentParams.link.optional(),
    variants: contentParams.variants.optional(),
    media_ids: contentParams.media_ids.optional(),
    platforms: z
      .array(platformParam)
      .max(PLATFORMS.length)
      .optional()
      .describe('Platforms to check against, e.g. ["x", "instagram"].'),
    social_account_ids: targetIdsParam(0)
      .optional()
      .describe('Accounts to check against; their platform and capabilities (e.g. X long posts) apply.'),
  })
  .strict();

@McpController()
export class PostValidationTools {
  constructor(private readonly validation: PostValidationService) {}

  @Tool({
    name: 'validate_post',
    description:
      'Dry run: check content against each platform’s rules (length, media count and kind, required title, links) ' +
      'without saving, scheduling or publishing anything. Give exactly one of post_id, draft_id, or the content ' +
      '(text, title, link, variants, media_ids); say where it would go with platforms and/or social_account_ids ' +
      '(a saved post or draft defaults to its own accounts). Returns valid overall and, per platform, each violation ' +
      'with rule_id, field, message (what to change), limit and actual, plus the rules registry version. ' +
      'Lengths are counted as each platform counts them (X: links 23, emoji 2). ' +
      'Validating a saved draft (draft_id) also needs the drafts:read scope.',
    parameters: validatePostParams,
    outputSchema: postValidationOutput,
    annotations: { title: 'Validate post (dry run)', ...annotations.read },
  })
  @RequireScopes('posts:read')
  @ScopesForArguments({ draft_id: ['drafts:read'] })
  async validatePost(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof validatePostParams>) {
    return this.validation.validate(actor, args);
  }
}
