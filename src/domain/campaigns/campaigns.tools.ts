import { Payload } from '@nestjs/microservices';
import { McpController, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { RequiresApproval } from '../../access/requires-approval.decorator';
import {
  annotations,
  calendarDateParam,
  idempotencyKeyParam,
  idParam,
  lineParam,
  pageOutput,
  pageParams,
  tagParam,
  tagsParam,
  textParam,
} from '../../mcp/tool-params';
import { CAMPAIGN_STATUSES } from './campaign.entity';
import { CAMPAIGN_LIMITS, CampaignsService } from './campaigns.service';
import {
  campaignDetailOutput,
  campaignOutput,
  createdCampaignOutput,
  deletedCampaignOutput,
  toCampaignResponse,
} from './dto/campaign.response';

const statusParam = z
  .enum(CAMPAIGN_STATUSES)
  .describe('planned (default), active, paused, completed or archived. Status is a label: it publishes nothing.');
const nameParam = lineParam(CAMPAIGN_LIMITS.name).describe(
  `Campaign name, one line, 1–${CAMPAIGN_LIMITS.name} characters.`,
);
const goalParam = textParam(CAMPAIGN_LIMITS.goal).describe(
  `What the campaign should achieve, at most ${CAMPAIGN_LIMITS.goal} characters.`,
);
const startsParam = calendarDateParam.describe('First day, YYYY-MM-DD, in the workspace time zone.');
const endsParam = calendarDateParam.describe(
  'Last day (inclusive), YYYY-MM-DD, in the workspace time zone; on or after starts_on.',
);

const createParams = z
  .object({
    name: nameParam,
    goal: goalParam.optional(),
    status: statusParam.optional(),
    starts_on: startsParam.optional(),
    ends_on: endsParam.optional(),
    tags: tagsParam.optional(),
    idempotency_key: idempotencyKeyParam.optional(),
  })
  .strict();

const getParams = z.object({ campaign_id: idParam('campaign') }).strict();

const listParams = z
  .object({
    status: statusParam.optional().describe('Only campaigns in this status.'),
    tag: tagParam.optional().describe('Only campaigns carrying this tag.'),
    active_on: calendarDateParam
      .optional()
      .describe('Only campaigns running on this date (YYYY-MM-DD, workspace time zone). Not with from/to.'),
    from: calendarDateParam.optional().describe('Only campaigns whose dates reach this day or later (YYYY-MM-DD).'),
    to: calendarDateParam.optional().describe('Only campaigns that start on or before this day (YYYY-MM-DD).'),
    ...pageParams,
  })
  .strict();

const updateParams = z
  .object({
    campaign_id: idParam('campaign'),
    name: nameParam.optional(),
    goal: goalParam.nullable().optional().describe('New goal; null clears it.'),
    status: statusParam.optional(),
    starts_on: startsParam.nullable().optional().describe('New first day (YYYY-MM-DD); null removes the dates’ start.'),
    ends_on: endsParam
      .nullable()
      .optional()
      .describe('New last day (YYYY-MM-DD, inclusive); null makes it open-ended.'),
    tags: tagsParam.optional().describe('Replaces all tags; [] clears them.'),
  })
  .strict();

const deleteParams = z.object({ campaign_id: idParam('campaign') }).strict();

@McpController()
export class CampaignsTools {
  constructor(private readonly campaigns: CampaignsService) {}

  @Tool({
    name: 'create_campaign',
    description:
      'Create a campaign: a name, an optional goal, optional dates (YYYY-MM-DD in the workspace time zone, ends_on ' +
      'inclusive and not before starts_on) and tags. Posts, drafts and media can then be assigned to it by campaign_id. ' +
      'Creating a campaign publishes and schedules nothing. Pass idempotency_key to make retries safe: a repeat with the ' +
      'same key and arguments returns the first campaign with replayed: true. Errors: validation_failed names the field; ' +
      'idempotency_conflict means the key was used for different arguments.',
    parameters: createParams,
    outputSchema: createdCampaignOutput,
    annotations: { title: 'Create campaign', ...annotations.create },
  })
  @RequireScopes('campaigns:create')
  createCampaign(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof createParams>) {
    const { idempotency_key, ...input } = args;
    return this.campaigns.create(actor, input, idempotency_key);
  }

  @Tool({
    name: 'get_campaign',
    description:
      'Get one campaign by id with counts of the posts, drafts and media assigned to it (trash excluded). Dates are ' +
      'YYYY-MM-DD in the workspace time zone. An id from another workspace, or of a deleted campaign, answers ' +
      'not_found like a missing one. Read-only.',
    parameters: getParams,
    outputSchema: campaignDetailOutput,
    annotations: { title: 'Get campaign', ...annotations.read },
  })
  @RequireScopes('campaigns:read')
  getCampaign(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof getParams>) {
    return this.campaigns.get(actor, args.campaign_id);
  }

  @Tool({
    name: 'list_campaigns',
    description:
      'List the campaigns of this workspace, newest first. Filters: status, tag, and dates — active_on (campaigns ' +
      'running on that day) or from/to (campaigns whose dates overlap that range); a campaign without starts_on is ' +
      'undated and never matches a date filter, one without ends_on runs on indefinitely. Dates are YYYY-MM-DD in the ' +
      'workspace time zone. Paginate with next_cursor. Deleted campaigns are not listed. Read-only.',
    parameters: listParams,
    outputSchema: pageOutput(campaignOutput),
    annotations: { title: 'List campaigns', ...annotations.read },
  })
  @RequireScopes('campaigns:read')
  async listCampaigns(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof listParams>) {
    const page = await this.campaigns.list(actor, args);
    return { items: page.items.map(toCampaignResponse), next_cursor: page.next_cursor };
  }

  @Tool({
    name: 'update_campaign',
    description:
      'Change a campaign’s name, goal, status, dates or tags; fields left out stay as they are, null clears goal or a ' +
      'date, tags replaces the whole list. The dates are checked on the result: ends_on before starts_on is ' +
      'validation_failed naming the field. Changing status publishes, schedules or pauses no post. Returns the campaign.',
    parameters: updateParams,
    outputSchema: campaignOutput,
    annotations: { title: 'Update campaign', ...annotations.update },
  })
  @RequireScopes('campaigns:update')
  async updateCampaign(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof updateParams>) {
    const { campaign_id, ...changes } = args;
    return toCampaignResponse(await this.campaigns.update(actor, campaign_id, changes));
  }

  @Tool({
    name: 'delete_campaign',
    description:
      'Delete a campaign (soft): it disappears from get_campaign and list_campaigns and nothing new can be assigned ' +
      'to it. Posts, drafts and media already assigned are not deleted, unpublished or changed. Returns the deleted ' +
      'campaign with deleted_at. Deleting it again answers not_found.',
    parameters: deleteParams,
    outputSchema: deletedCampaignOutput,
    annotations: { title: 'Delete campaign', ...annotations.delete },
  })
  @RequireScopes('campaigns:delete')
  @RequiresApproval({ action: 'delete', reason: 'deletes campaigns' })
  async deleteCampaign(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof deleteParams>) {
    const deleted = await this.campaigns.delete(actor, args.campaign_id);
    return { ...toCampaignResponse(deleted), deleted_at: deleted.deletedAt.toISOString() };
  }
}
