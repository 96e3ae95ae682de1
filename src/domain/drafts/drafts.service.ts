import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorOf, workspaceOf, type Actor } from '../../access/actor';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { notFound } from '../../common/app-error';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import type { Page } from '../../common/pagination';
import {
  applyContentChanges,
  checkIds,
  checkNotes,
  CONTENT_LIMITS,
  ContentProblems,
  listWindow,
  newContent,
  normaliseContent,
  requireSomeChange,
  requireVersion,
  type ContentInput,
  type ContentListFilter,
} from '../posts/content-input';
import { ContentReferences } from './content-references.service';
import { isUuid } from '../../common/validation/uuid';
import { DraftEntity } from './draft.entity';
import { DraftsRepository } from './drafts.repository';
import { toDraftResponse, type DraftResponse } from './dto/draft.response';

/** A draft's fields as both surfaces send them. */
export interface DraftFields extends ContentInput {
  social_account_ids?: string[];
  notes?: string | null;
}

export interface CreateDraftInput extends DraftFields {
  idempotency_key?: string;
}

export interface UpdateDraftInput extends DraftFields {
  expected_version?: number;
}

const DRAFT_FIELDS = [
  'text',
  'title',
  'link',
  'variants',
  'media_ids',
  'social_account_ids',
  'campaign_id',
  'notes',
] as const;

/** Drafts: content for people to review. Nothing here publishes or schedules. */
@Injectable()
export class DraftsService {
  constructor(
    private readonly repository: DraftsRepository,
    private readonly audited: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly refs: ContentReferences,
  ) {}

  /** A draft of the actor's workspace; another workspace's draft is "not found", like a missing one. */
  async get(actor: Actor, id: string): Promise<DraftEntity> {
    const draft = await this.repository.findById(workspaceOf(actor), id);
    if (!draft) throw notFound('draft');
    return draft;
  }

  async read(actor: Actor, id: string): Promise<DraftResponse> {
    return toDraftResponse(await this.get(actor, id));
  }

  async list(actor: Actor, filter: ContentListFilter): Promise<Page<DraftResponse>> {
    const workspaceId = workspaceOf(actor);
    const { after, before } = listWindow(filter);
    const page = await this.repository.list(workspaceId, {
      campaignId: filter.campaign_id,
      platform: filter.platform,
      after,
      before,
      cursor: filter.cursor,
      limit: filter.limit,
    });
    return { items: page.items.map(toDraftResponse), next_cursor: page.next_cursor };
  }

  /** Creates a draft; with an idempotency key, a repeat returns the first result (`replayed: true`). */
  async create(actor: Actor, input: CreateDraftInput): Promise<DraftResponse & { replayed: boolean }> {
    const workspaceId = workspaceOf(actor);
    const { idempotency_key: key, ...payload } = input;
    const fields = this.normalise(payload);
    return this.audited.run((m) =>
      this.idempotency.run(m, actor, workspaceId, { operation: 'create_draft', key, payload }, async () => {
        await this.refs.require(m, workspaceId, {
          campaignId: fields.campaignId,
          mediaIds: fields.mediaIds,
          accountIds: fields.socialAccountIds,
        });
        const author = authorOf(actor);
        const draft = await m.save(
          m.create(DraftEntity, {
            workspaceId,
            ...newContent(fields),
            socialAccountIds: fields.socialAccountIds ?? [],
            notes: fields.notes ?? null,
            authorUserId: author.userId,
            authorClientId: author.clientId,
            authorKeyId: author.keyId,
            version: 1,
          }),
        );
        return toDraftResponse(draft);
      }),
    );
  }

  /** Changes the fields given (null clears an optional one) and bumps the version. */
  async update(actor: Actor, id: string, input: UpdateDraftInput): Promise<DraftResponse> {
    const workspaceId = workspaceOf(actor);
    const { expected_version: expected, ...changes } = input;
    requireSomeChange(changes, DRAFT_FIELDS);
    const fields = this.normalise(changes);
    if (!isUuid(id)) throw notFound('draft');
    return this.audited.run(async (m) => {
      const draft = await m.findOne(DraftEntity, {
        where: { workspaceId, id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!draft) throw notFound('draft');
      requireVersion('draft', draft.version, expected, 'get_draft');
      await this.refs.require(m, workspaceId, {
        campaignId: fields.campaignId,
        mediaIds: fields.mediaIds,
        accountIds: fields.socialAccountIds,
      });
      applyContentChanges(draft, fields);
      if (fields.socialAccountIds !== undefined) draft.socialAccountIds = fields.socialAccountIds;
      if (fields.notes !== undefined) draft.notes = fields.notes;
      draft.version += 1;
      return toDraftResponse(await m.save(draft));
    });
  }

  /** Soft delete: the draft disappears from get and list; posts made from it keep their copy. */
  async delete(actor: Actor, id: string): Promise<DraftResponse> {
    const workspaceId = workspaceOf(actor);
    if (!isUuid(id)) throw notFound('draft');
    return this.audited.run(async (m) => {
      const draft = await m.findOne(DraftEntity, { where: { workspaceId, id }, lock: { mode: 'pessimistic_write' } });
      if (!draft) throw notFound('draft');
      await m.softDelete(DraftEntity, { workspaceId, id });
      return toDraftResponse(await m.findOneOrFail(DraftEntity, { where: { workspaceId, id }, withDeleted: true }));
    });
  }

  /** For making a post from a draft, inside the caller's transaction; a deleted or foreign draft is "not found". */
  async requireForCopy(m: EntityManager, workspaceId: string, id: string): Promise<DraftEntity> {
    const draft = isUuid(id) ? await m.findOne(DraftEntity, { where: { workspaceId, id } }) : null;
    if (!draft) throw notFound('draft');
    return draft;
  }

  private normalise(input: DraftFields) {
    const problems = new ContentProblems();
    const content = normaliseContent(input, problems);
    const socialAccountIds =
      input.social_account_ids === undefined
        ? undefined
        : checkIds(input.social_account_ids, 'social_account_ids', { max: CONTENT_LIMITS.targets }, problems);
    const notes = checkNotes(input.notes, problems);
    problems.throwIfAny();
    return { ...content, socialAccountIds, notes };
  }
}
