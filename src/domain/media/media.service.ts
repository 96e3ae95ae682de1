import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import { type Actor, workspaceOf } from '../../access/actor';
import { AuditContext } from '../../audit/audit-context';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError, notFound } from '../../common/app-error';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { SafeFetchError } from '../../common/net/safe-fetch.errors';
import { type Page, paginate } from '../../common/pagination';
import { APP_CONFIG, type AppConfig } from '../../config/config.types';
import { MediaTypeError } from '../../media/media.errors';
import { type DetectedMedia, detectMedia, imageDimensions } from '../../media/media-type';
import { isoVideoMetadata } from '../../media/video-metadata';
import { CampaignsService } from '../campaigns/campaigns.service';
import { type MediaResponse, toMediaResponse } from './dto/media.response';
import { MediaAssetEntity } from './media-asset.entity';
import { fetchAnsweredWith, fetchRefused, tooLarge, unsupportedMedia } from './media.errors';
import { MediaFetchService } from './media-fetch.service';
import { checkedFileName, decodeBase64, fileNameFromUrl } from './media-source';
import { MEDIA_STORAGE, MediaObjectMissingError, type MediaStorage } from './storage/media-storage';
import { UUID_PATTERN } from '../../common/validation/uuid';

export interface MediaMetadataInput {
  altText?: string | null;
  caption?: string | null;
  tags?: string[];
  campaignId?: string | null;
}

/** Exactly one of `contentBase64`, `url` and `file` carries the bytes. */
export interface UploadMediaInput extends MediaMetadataInput {
  contentBase64?: string;
  /** A public https URL to import from. */
  url?: string;
  /** Bytes received as a file upload, with the type the client declared for them. */
  file?: { bytes: Buffer; mimeType?: string };
  /** Required unless `url` is given (then the URL's last segment is the default). A label, never a path. */
  fileName?: string;
  idempotencyKey?: string;
}

export interface MediaListFilters {
  kind?: 'image' | 'video';
  campaignId?: string;
  tag?: string;
  /** ISO 8601; inclusive. */
  createdAfter?: string;
  /** ISO 8601; exclusive. */
  createdBefore?: string;
  cursor?: string;
  limit?: number;
}

export interface MediaContent {
  asset: MediaAssetEntity;
  stream: Readable;
}

interface ReceivedMedia {
  bytes: Buffer;
  detected: DetectedMedia;
  fileName: string;
  sourceUrl: string | null;
  /** What the idempotency digest covers for the bytes: their hash, or the URL they were named by. */
  source: { sha256: string } | { url: string };
  sha256: string;
}

/**
 * The media library: files are identified from their bytes (never their name), checked against
 * the allowlist and the per-kind size caps, stored under a generated key, and recorded in the same
 * audited transaction as the call; when that transaction does not commit, the stored file is
 * removed again.
 */
@Injectable()
export class MediaService {
  private readonly logger = new Logger(MediaService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(MediaAssetEntity) private readonly assets: Repository<MediaAssetEntity>,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly fetcher: MediaFetchService,
    private readonly audited: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly campaigns: CampaignsService,
  ) {}

  async upload(actor: Actor, input: UploadMediaInput): Promise<MediaResponse & { replayed: boolean }> {
    const workspaceId = workspaceOf(actor);
    const received = await this.receive(input);
    const metadata = normaliseMetadata(input);
    const { bytes, detected } = received;
    const storageKey = await this.storage.put(workspaceId, bytes, detected.mimeType);
    let result: MediaResponse & { replayed: boolean };
    try {
      AuditContext.concerns(workspaceId);
      result = await this.audited.run((m) =>
        this.idempotency.run(
          m,
          actor,
          workspaceId,
          {
            operation: 'upload_media',
            key: input.idempotencyKey,
            payload: { source: received.source, file_name: input.fileName ?? null, ...metadata },
          },
          async () => {
            if (metadata.campaign_id) await this.campaigns.requireAssignable(m, workspaceId, metadata.campaign_id);
            const video = detected.kind === 'video' ? isoVideoMetadata(bytes) : undefined;
            const image = detected.kind === 'image' ? imageDimensions(bytes, detected.mimeType) : undefined;
            const asset = await m.save(
              m.create(MediaAssetEntity, {
                workspaceId,
                fileName: received.fileName,
                mimeType: detected.mimeType,
                kind: detected.kind,
                sizeBytes: bytes.length,
                sha256: received.sha256,
                width: image?.width ?? video?.width ?? null,
                height: image?.height ?? video?.height ?? null,
                durationMs: video?.durationMs ?? null,
                altText: metadata.alt_text,
                caption: metadata.caption,
                tags: metadata.tags,
                campaignId: metadata.campaign_id,
                storageKey,
                sourceUrl: received.sourceUrl,
                createdByUserId: actor.userId ?? null,
                createdByClientId: actor.clientId ?? null,
              }),
            );
            return toMediaResponse(await m.findOneByOrFail(MediaAssetEntity, { id: asset.id }));
          },
        ),
      );
    } catch (error) {
      await this.removeStored(storageKey);
      throw error;
    }
    // A replay answers with the first upload's row; this call's copy of the bytes is not needed.
    if (result.replayed) await this.removeStored(storageKey);
    return result;
  }

  async get(actor: Actor, id: string): Promise<MediaAssetEntity> {
    const workspaceId = workspaceOf(actor);
    const asset = UUID_PATTERN.test(id) ? await this.assets.findOne({ where: { id, workspaceId } }) : null;
    if (!asset) throw notFound('media');
    return asset;
  }

  async list(actor: Actor, filters: MediaListFilters): Promise<Page<MediaAssetEntity>> {
    const workspaceId = workspaceOf(actor);
    const query = this.assets.createQueryBuilder('a').where('a.workspace_id = :workspaceId', { workspaceId });
    if (filters.kind) query.andWhere('a.kind = :kind', { kind: filters.kind });
    if (filters.campaignId) query.andWhere('a.campaign_id = :campaignId', { campaignId: filters.campaignId });
    if (filters.tag) query.andWhere(':tag = ANY(a.tags)', { tag: filters.tag });
    if (filters.createdAfter) query.andWhere('a.created_at >= :after', { after: filters.createdAfter });
    if (filters.createdBefore) query.andWhere('a.created_at < :before', { before: filters.createdBefore });
    return paginate(query, { cursor: filters.cursor, limit: filters.limit });
  }

  /** Alt text, caption, tags and campaign; the bytes of an asset never change. */
  async update(actor: Actor, id: string, input: MediaMetadataInput): Promise<MediaResponse> {
    const workspaceId = workspaceOf(actor);
    if (Object.values(input).every((value) => value === undefined)) {
      throw new AppError('validation_failed', 'nothing to update: give alt_text, caption, tags or campaign_id', [
        { field: '(arguments)', issue: 'no field to update' },
      ]);
    }
    const metadata = normaliseMetadata(input);
    return this.audited.run(async (m) => {
      const asset = await this.findIn(m, workspaceId, id);
      if (input.campaignId) await this.campaigns.requireAssignable(m, workspaceId, input.campaignId);
      if (input.altText !== undefined) asset.altText = metadata.alt_text;
      if (input.caption !== undefined) asset.caption = metadata.caption;
      if (input.tags !== undefined) asset.tags = metadata.tags;
      if (input.campaignId !== undefined) asset.campaignId = metadata.campaign_id;
      await m.save(asset);
      return toMediaResponse(await m.findOneByOrFail(MediaAssetEntity, { id: asset.id }));
    });
  }

  /** Moves the asset to the trash: hidden from reads and from new drafts; its file is kept. */
  async delete(actor: Actor, id: string): Promise<MediaResponse> {
    const workspaceId = workspaceOf(actor);
    return this.audited.run(async (m) => {
      const asset = await this.findIn(m, workspaceId, id);
      await m.softDelete(MediaAssetEntity, { id: asset.id, workspaceId });
      return toMediaResponse(asset);
    });
  }

  /** The asset and a stream of its bytes. */
  async openContent(actor: Actor, id: string): Promise<MediaContent> {
    const asset = await this.get(actor, id);
    try {
      return { asset, stream: await this.storage.open(asset.storageKey) };
    } catch (error) {
      if (!(error instanceof MediaObjectMissingError)) throw error;
      this.logger.error(`media ${asset.id} has no stored file under its key`);
      throw new AppError('internal_error', 'the stored file of this media is missing; upload it again');
    }
  }

  /** The assets, in the order asked, for attaching to a draft or post; foreign or deleted ids are "not found". */
  async requireUsable(
    m: EntityManager,
    workspaceId: string,
    ids: readonly string[],
    field = 'media_ids',
  ): Promise<MediaAssetEntity[]> {
    if (!ids.length) return [];
    const found = await m.find(MediaAssetEntity, { where: { workspaceId, id: In([...ids]) } });
    const byId = new Map(found.map((a) => [a.id, a]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) {
      throw new AppError('not_found', `media not found: ${missing.join(', ')}`, [
        { field, issue: `not found: ${missing.join(', ')}` },
      ]);
    }
    return ids.map((id) => byId.get(id)!);
  }

  private async findIn(m: EntityManager, workspaceId: string, id: string): Promise<MediaAssetEntity> {
    const asset = UUID_PATTERN.test(id) ? await m.findOne(MediaAssetEntity, { where: { id, workspaceId } }) : null;
    if (!asset) throw notFound('media');
    return asset;
  }

  /** The bytes from whichever source the caller used, identified, named and within their kind's cap. */
  private async receive(input: UploadMediaInput): Promise<ReceivedMedia> {
    const sources = (['contentBase64', 'url', 'file'] as const).filter((name) => input[name] !== undefined);
    if (sources.length !== 1) {
      throw new AppError('validation_failed', 'give exactly one of content_base64 (the file as base64) or url', [
        { field: 'content_base64', issue: 'exactly one of content_base64 and url is required' },
        { field: 'url', issue: 'exactly one of content_base64 and url is required' },
      ]);
    }
    const media = this.config.media;
    let bytes: Buffer;
    let declaredMime: string | undefined;
    let sourceUrl: string | null = null;
    let field: string;
    if (input.contentBase64 !== undefined) {
      field = 'content_base64';
      checkedFileName(input.fileName);
      ({ bytes, declaredMime } = decodeBase64(input.contentBase64, media.maxInlineBytes));
    } else if (input.file !== undefined) {
      field = 'file';
      checkedFileName(input.fileName);
      ({ bytes, mimeType: declaredMime } = input.file);
    } else {
      field = 'url';
      if (input.fileName !== undefined) checkedFileName(input.fileName);
      ({ bytes, declaredMime, finalUrl: sourceUrl } = await this.download(input.url as string));
      // Shown to every reader of the library: a presigned query string or fragment is a credential.
      sourceUrl = withoutQuery(sourceUrl);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    let detected: DetectedMedia;
    try {
      detected = await detectMedia(bytes, input.fileName, declaredMime);
    } catch (error) {
      if (error instanceof MediaTypeError) throw unsupportedMedia(error, field);
      throw error;
    }
    const cap = detected.kind === 'image' ? media.maxImageBytes : media.maxVideoBytes;
    if (bytes.length > cap) throw tooLarge(`The ${detected.kind}`, cap, field);
    const fileName =
      input.fileName !== undefined
        ? checkedFileName(input.fileName)
        : fileNameFromUrl(input.url as string, detected.extension);
    const source = input.url !== undefined ? { url: input.url } : { sha256 };
    return { bytes, detected, fileName, sourceUrl, source, sha256 };
  }

  private async download(url: string): Promise<{ bytes: Buffer; declaredMime?: string; finalUrl: string }> {
    try {
      const response = await this.fetcher.fetch(url);
      if (response.status < 200 || response.status > 299) throw fetchAnsweredWith(response.status);
      return { bytes: response.body, declaredMime: response.headers['content-type'], finalUrl: response.finalUrl };
    } catch (error) {
      if (error instanceof SafeFetchError) throw fetchRefused(error, this.fetcher.maxBytes);
      throw error;
    }
  }

  private async removeStored(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (error) {
      // The row was not written, so nothing points at the file; an operator can sweep it.
      this.logger.error(`could not remove unreferenced media file ${key}: ${(error as Error).message}`);
    }
  }
}

/** Metadata as stored and as digested for idempotency: snake_case, nulls for "none", tags de-duplicated. */
function normaliseMetadata(input: MediaMetadataInput) {
  return {
    alt_text: input.altText ?? null,
    caption: input.caption ?? null,
    tags: [...new Set(input.tags ?? [])],
    campaign_id: input.campaignId ?? null,
  };
}

function withoutQuery(url: string | null): string | null {
  if (!url) return url;
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
