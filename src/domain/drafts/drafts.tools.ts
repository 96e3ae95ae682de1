import { Payload } from '@nestjs/microservices';
import { McpController, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { RequiresApproval } from '../../access/requires-approval.decorator';
import { annotations, idempotencyKeyParam, idParam, textParam } from '../../mcp/tool-params';
import { CONTENT_LIMITS } from '../posts/content-input';
import {
  clearableContentParams,
  contentListParams,
  contentParams,
  expectedVersionParam,
  targetIdsParam,
} from '../posts/content-params';
import { DraftsService } from './drafts.service';
import { createdDraftOutput, draftOutput, draftPageOutput } from './dto/draft.response';

const notesParam = textParam(CONTENT_LIMITS.notes).describe(
  `Notes for the people reviewing the draft, up to ${CONTENT_LIMITS.notes} characters. Never published.`,
);

const draftFields = {
  ...contentParams,
  social_account_ids: targetIdsParam(0)
    .describe(`The social accounts this draft is meant for (up to ${CONTENT_LIMITS.targets}); optional for a draft.`)
    .optional(),
  notes: notesParam,
};

const createDraftParams = z
  .object({
    text: draftFields.text.optional(),
    title: draftFields.title.optional(),
    link: draftFields.link.optional(),
    variants: draftFields.variants.optional(),
    media_ids: draftFields.media_ids.optional(),
    social_account_ids: draftFields.social_account_ids,
    campaign_id: draftFields.campaign_id.optional(),
    notes: draftFields.notes.optional(),
    idempotency_key: idempotencyKeyParam.optional(),
  })
  .strict();

const draftIdParams = z.object({ draft_id: idParam('draft') }).strict();

const listDraftsParams = z.object(contentListParams).strict();

const updateDraftParams = z
  .object({
    draft_id: idParam('draft'),
    text: draftFields.text.optional(),
    title: clearableContentParams.title.optional(),
    link: clearableContentParams.link.optional(),
    variants: draftFields.variants.describe('Replaces all variants; {} removes them.').optional(),
    media_ids: draftFields.media_ids.describe('Replaces the media list; [] removes all media.').optional(),
    social_account_ids: draftFields.social_account_ids,
    campaign_id: clearableContentParams.campaign_id.optional(),
    notes: notesParam.nullable().describe('New notes; null removes them.').optional(),
    expected_version: expectedVersionParam.optional(),
  })
  .strict();

@McpController()
export class DraftsTools {
  constructor(private readonly drafts: DraftsService) {}

  @Tool({
    name: 'create_draft',
    description:
      'Save content as a draft for people to review: text, optional title, link, per-platform variants, media from the ' +
      'library, the social accounts it is meant for, a campaign and reviewer notes. A draft is never published or ' +
      'scheduled; make a post from it with create_post_from_draft. Check platform limits with validate_post ' +
      '(draft_id). Errors: not_found when a media, account or campaign id is not in this workspace; validation_failed ' +
      'names each bad field.',
    parameters: createDraftParams,
    outputSchema: createdDraftOutput,
    annotations: { title: 'Create draft', ...annotations.create },
  })
  @RequireScopes('drafts:create')
  async createDraft(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof createDraftParams>) {
    return this.drafts.create(actor, args);
  }

  @Tool({
    name: 'get_draft',
    description:
      'Get one draft with its content, variants, media ids, target accounts, campaign, notes, version and author. ' +
      'A deleted draft or one of another workspace is not_found. Read-only.',
    parameters: draftIdParams,
    outputSchema: draftOutput,
    annotations: { title: 'Get draft', ...annotations.read },
  })
  @RequireScopes('drafts:read')
  async getDraft(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof draftIdParams>) {
    return this.drafts.read(actor, args.draft_id);
  }

  @Tool({
    name: 'list_drafts',
    description:
      'List drafts, newest first, optionally only those in a campaign, meant for an account on a platform, or created ' +
      'in [created_after, created_before) (ISO 8601 with offset). Paginated: pass next_cursor back as cursor. Read-only.',
    parameters: listDraftsParams,
    outputSchema: draftPageOutput,
    annotations: { title: 'List drafts', ...annotations.read },
  })
  @RequireScopes('drafts:read')
  async listDrafts(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof listDraftsParams>) {
    return this.drafts.list(actor, args);
  }

  @Tool({
    name: 'update_draft',
    description:
      'Change a draft: only the fields you pass change (null removes title, link, campaign or notes; variants, ' +
      'media_ids and social_account_ids are replaced whole). Every update bumps version; pass expected_version to ' +
      'be refused with conflict instead of overwriting someone else’s edit. Never publishes.',
    parameters: updateDraftParams,
    outputSchema: draftOutput,
    annotations: { title: 'Update draft', ...annotations.versionedUpdate },
  })
  @RequireScopes('drafts:update')
  async updateDraft(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof updateDraftParams>) {
    const { draft_id: id, ...changes } = args;
    return this.drafts.update(actor, id, changes);
  }

  @Tool({
    name: 'delete_draft',
    description:
      'Delete a draft: it disappears from get_draft and list_drafts. Posts already made from it are not affected. ' +
      'Returns the draft with deleted_at set.',
    parameters: draftIdParams,
    outputSchema: draftOutput,
    annotations: { title: 'Delete draft', ...annotations.delete },
  })
  @RequireScopes('drafts:delete')
  @RequiresApproval({ action: 'delete', reason: 'deletes drafts' })
  async deleteDraft(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof draftIdParams>) {
    return this.drafts.delete(actor, args.draft_id);
  }
}
