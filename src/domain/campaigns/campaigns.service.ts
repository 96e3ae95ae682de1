import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorOf, workspaceOf, type Actor } from '../../access/actor';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError, invalidField, notFound, nothingToChange } from '../../common/app-error';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import type { Page } from '../../common/pagination';
import { isCalendarDate } from '../../common/validation/calendar-date';
import { CampaignEntity, type CampaignStatus } from './campaign.entity';
import { CampaignsRepository, type CampaignFilters } from './campaigns.repository';
import {
  toCampaignDetailResponse,
  toCampaignResponse,
  type CampaignDetailResponse,
  type CampaignResponse,
} from './dto/campaign.response';
import { UUID_PATTERN } from '../../common/validation/uuid';

/** A campaign's editable fields as every surface sends them; absent means "leave as is", null clears. */
export interface CampaignChanges {
  name?: string;
  goal?: string | null;
  status?: CampaignStatus;
  starts_on?: string | null;
  ends_on?: string | null;
  tags?: string[];
}

export interface NewCampaign extends CampaignChanges {
  name: string;
}

export interface CampaignListFilters extends Omit<CampaignFilters, 'from' | 'to'> {
  /** Campaigns running on this date; the same as from = to = active_on. */
  active_on?: string;
  from?: string;
  to?: string;
}

/** Field limits shared by the tool schemas and the REST DTOs. */
export const CAMPAIGN_LIMITS = { name: 200, goal: 2000 } as const;

function checkName(name: string | undefined): void {
  if (name === undefined) return;
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > CAMPAIGN_LIMITS.name)
    throw invalidField('name', `must be 1 to ${CAMPAIGN_LIMITS.name} characters`);
}

function checkDate(field: string, value: string | null | undefined): void {
  if (value != null && !isCalendarDate(value)) throw invalidField(field, 'must be a date written YYYY-MM-DD');
}

/** The order of dates is checked on the campaign as it will be, so changing one end cannot invert it. */
function checkRange(startsOn: string | null, endsOn: string | null, changed: CampaignChanges): void {
  if (startsOn === null || endsOn === null || endsOn >= startsOn) return;
  const field = changed.ends_on !== undefined ? 'ends_on' : 'starts_on';
  throw new AppError('validation_failed', `ends_on (${endsOn}) is before starts_on (${startsOn})`, [
    { field, issue: `ends_on ${endsOn} must be on or after starts_on ${startsOn}` },
  ]);
}

const uniqueTags = (tags: string[] | undefined) => (tags ? [...new Set(tags)] : undefined);

/**
 * Campaigns: a name, a goal, dates and tags that posts, drafts and media are grouped under. Deleting
 * is soft: a deleted campaign disappears from every read and can no longer be assigned, while
 * content already assigned keeps its reference.
 */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly audited: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** Creates a campaign at most once per idempotency key; a repeat answers the first result. */
  async create(
    actor: Actor,
    input: NewCampaign,
    idempotencyKey?: string,
  ): Promise<CampaignResponse & { replayed: boolean }> {
    const workspaceId = workspaceOf(actor);
    checkName(input.name);
    checkDate('starts_on', input.starts_on);
    checkDate('ends_on', input.ends_on);
    checkRange(input.starts_on ?? null, input.ends_on ?? null, input);
    const author = authorOf(actor);
    return this.audited.run((m) =>
      this.idempotency.run(
        m,
        actor,
        workspaceId,
        { operation: 'create_campaign', key: idempotencyKey, payload: input },
        async () => {
          const campaign = await m.save(
            m.create(CampaignEntity, {
              workspaceId,
              name: input.name.trim(),
              goal: input.goal ?? null,
              status: input.status ?? 'planned',
              startsOn: input.starts_on ?? null,
              endsOn: input.ends_on ?? null,
              tags: uniqueTags(input.tags) ?? [],
              createdByUserId: author.userId,
              createdByClientId: author.clientId,
            }),
          );
          return toCampaignResponse(campaign);
        },
      ),
    );
  }

  /** A campaign of the actor's workspace with how much content it holds; foreign or deleted ones are "not found". */
  async get(actor: Actor, id: string): Promise<CampaignDetailResponse> {
    const workspaceId = workspaceOf(actor);
    const campaign = UUID_PATTERN.test(id) ? await this.campaigns.findOne(workspaceId, id) : null;
    if (!campaign) throw notFound('campaign');
    return toCampaignDetailResponse(campaign, await this.campaigns.counts(workspaceId, id));
  }

  async list(actor: Actor, filters: CampaignListFilters = {}): Promise<Page<CampaignEntity>> {
    const workspaceId = workspaceOf(actor);
    const { active_on, ...rest } = filters;
    for (const field of ['active_on', 'from', 'to'] as const) checkDate(field, filters[field]);
    if (active_on !== undefined && (rest.from !== undefined || rest.to !== undefined))
      throw invalidField('active_on', 'cannot be combined with from or to; use one or the other');
    if (rest.from !== undefined && rest.to !== undefined && rest.to < rest.from)
      throw invalidField('to', `must be on or after from (${rest.from})`);
    const range = active_on !== undefined ? { from: active_on, to: active_on } : {};
    return this.campaigns.page(workspaceId, { ...rest, ...range });
  }

  async update(actor: Actor, id: string, changes: CampaignChanges): Promise<CampaignEntity> {
    const workspaceId = workspaceOf(actor);
    if (!Object.values(changes).some((v) => v !== undefined)) throw nothingToChange();
    checkName(changes.name);
    checkDate('starts_on', changes.starts_on);
    checkDate('ends_on', changes.ends_on);
    return this.audited.run(async (m) => {
      const campaign = await this.lock(m, workspaceId, id);
      const startsOn = changes.starts_on !== undefined ? changes.starts_on : campaign.startsOn;
      const endsOn = changes.ends_on !== undefined ? changes.ends_on : campaign.endsOn;
      checkRange(startsOn, endsOn, changes);
      if (changes.name !== undefined) campaign.name = changes.name.trim();
      if (changes.goal !== undefined) campaign.goal = changes.goal;
      if (changes.status !== undefined) campaign.status = changes.status;
      if (changes.tags !== undefined) campaign.tags = uniqueTags(changes.tags) ?? [];
      campaign.startsOn = startsOn;
      campaign.endsOn = endsOn;
      return m.save(campaign);
    });
  }

  /** Soft delete: the campaign vanishes from reads and cannot be assigned; its content is untouched. */
  async delete(actor: Actor, id: string): Promise<CampaignEntity & { deletedAt: Date }> {
    const workspaceId = workspaceOf(actor);
    return this.audited.run(async (m) => {
      const campaign = await this.lock(m, workspaceId, id);
      await m.softDelete(CampaignEntity, { workspaceId, id: campaign.id });
      const deleted = await m.findOneOrFail(CampaignEntity, { where: { id: campaign.id }, withDeleted: true });
      return deleted as CampaignEntity & { deletedAt: Date };
    });
  }

  /** A campaign content may be assigned to: in this workspace and not deleted; otherwise "not found". */
  async requireAssignable(
    m: EntityManager,
    workspaceId: string,
    id: string,
    field = 'campaign_id',
  ): Promise<CampaignEntity> {
    const campaign = await m.findOne(CampaignEntity, { where: { workspaceId, id } });
    if (!campaign) throw new AppError('not_found', 'campaign not found', [{ field, issue: 'not found' }]);
    return campaign;
  }

  private async lock(m: EntityManager, workspaceId: string, id: string): Promise<CampaignEntity> {
    const campaign = UUID_PATTERN.test(id)
      ? await m.findOne(CampaignEntity, { where: { workspaceId, id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!campaign) throw notFound('campaign');
    return campaign;
  }
}
