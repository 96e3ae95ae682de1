import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { type Actor, workspaceOf } from '../../access/actor';
import { AuditContext } from '../../audit/audit-context';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError, notFound } from '../../common/app-error';
import { requireAllInWorkspace } from '../../common/require-all-in-workspace';
import { FileTooLargeError, writeCappedFile, type WrittenFile } from '../../common/files/capped-file-writer';
import { PrivateTempDir, removeTempFile } from '../../common/files/private-temp-dir';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { SafeFetchError } from '../../common/net/safe-fetch.errors';
import { type Page, paginate } from '../../common/pagination';
import { APP_CONFIG, type AppConfig } from '../../config/config.types';
import { MediaTypeError } from '../../media/media.errors';
import { type DetectedMedia, detectMedia, imageDimensions } from '../../media/media-type';
import { readHead, withFileReader } from '../../media/byte-reader';
import { isoVideoMetadata } from '../../media/video-metadata';
import { CampaignsService } from '../campaigns/campaigns.service';
import { type MediaResponse, toMediaResponse } from './dto/media.response';
import { MediaAssetEntity } from './media-asset.entity';
import { fetchAnsweredWith, fetchRefused, tooLarge, unsupportedMedia } from './media.errors';
import { MediaFetchService } from './media-fetch.service';
import { checkedFileName, decodeBase64, fileNameFromUrl } from './media-source';
import {
  MEDIA_STORAGE,
  MediaObjectMissingError,
  MediaStoreUnavailableError,
  type MediaStorage,
} from './storage/media-storage';
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
  /**
   * A file upload already written to a temporary file under `DATA_DIR/tmp` (its size and SHA-256
   * counted on the way), with the type the client declared for it. The upload removes the file.
   */
  file?: WrittenFile & { mimeType?: string };
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

/** The content as received, before it is identified. */
interface RawUpload {
  file: WrittenFile;
  /** The type the caller or the server declared for it, if any. */
  declaredMime?: string;
  /** For a download: the URL that answered, after redirects. */
  finalUrl?: string;
}

interface ReceivedMedia {
  /** The content, in a temporary file of the request. */
  file: WrittenFile;
  /** Its first HEAD_BYTES, read once for identification and image dimensions. */
  head: Buffer;
  detected: DetectedMedia;
  fileName: string;
  sourceUrl: string | null;
  /** What the idempotency digest covers for the bytes: their hash, or the URL they were named by. */
  source: { sha256: string } | { url: string };
}

/**
 * How much of the start of a file is read for identification and image dimensions: file-type
 * needs about 4 KiB and the sniffers 1 KiB; a JPEG's frame header comes after its EXIF and ICC
 * segments (up to 64 KiB each), so a little more room is left for those.
 */
const HEAD_BYTES = 256 * 1024;

/** Older than any upload can take (the URL fetch is capped at 10 minutes): a crash's leftover. */
const STALE_TEMP_FILE_MS = 6 * 60 * 60 * 1000;

/**
 * The media library: files are identified from their bytes (never their name), checked against
 * the allowlist and the per-kind size caps, stored under a generated key, and recorded in the same
 * audited transaction as the call; when that transaction does not commit, the stored file is
 * removed again. The content never sits in memory whole: every source is streamed to a temporary
 * file under `DATA_DIR/tmp` (hashed, counted and capped on the way), checked from bounded reads of
 * that file, and moved or streamed into storage; the temporary file is removed whatever happens.
 */
@Injectable()
export class MediaService implements OnApplicationBootstrap {
  private readonly logger = new Logger(MediaService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(MediaAssetEntity) private readonly assets: Repository<MediaAssetEntity>,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly fetcher: MediaFetchService,
    private readonly audited: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly campaigns: CampaignsService,
    private readonly temp: PrivateTempDir,
  ) {}

  /** Clears what an earlier crash left in `DATA_DIR/tmp`; never delays or fails the start. */
  onApplicationBootstrap(): void {
    this.temp.sweep(STALE_TEMP_FILE_MS).then(
      (n) => n && this.logger.log(`removed ${n} stale temporary upload file(s)`),
      (err: Error) => this.logger.warn(`could not sweep temporary upload files: ${err.message}`),
    );
  }

  async upload(actor: Actor, input: UploadMediaInput): Promise<MediaResponse & { replayed: boolean }> {
    let written: RawUpload | undefined;
    try {
      written = await this.receiveFile(input);
      return await this.store(actor, input, await this.identify(input, written));
    } finally {
      await this.discard(input.file?.path);
      await this.discard(written?.file.path);
    }
  }

  private async store(
    actor: Actor,
    input: UploadMediaInput,
    received: ReceivedMedia,
  ): Promise<MediaResponse & { replayed: boolean }> {
    const workspaceId = workspaceOf(actor);
    const metadata = normaliseMetadata(input);
    const { file, head, detected } = received;
    // Read before storing: local storage moves the temporary file away.
    const video = detected.kind === 'video' ? await withFileReader(file.path, isoVideoMetadata) : undefined;
    const image = detected.kind === 'image' ? imageDimensions(head, detected.mimeType) : undefined;
    const storageKey = await this.storage.putFile(workspaceId, file, detected.mimeType).catch((error: unknown) => {
      throw this.storeUnavailable('take the file', error);
    });
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
            const asset = await m.save(
              m.create(MediaAssetEntity, {
                workspaceId,
                fileName: received.fileName,
                mimeType: detected.mimeType,
                kind: detected.kind,
                sizeBytes: file.size,
                sha256: file.sha256,
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
      if (!(error instanceof MediaObjectMissingError)) throw this.storeUnavailable('give the file back', error);
      this.logger.error(`media ${asset.id} has no stored file under its key`);
      throw new AppError('internal_error', 'the stored file of this media is missing; upload it again');
    }
  }

  /**
   * An outage of the media store is the caller's to retry, not an internal error; why goes to the
   * log. Anything else (a denied access, a missing bucket, a full disk) stays an internal error.
   */
  private storeUnavailable(what: string, error: unknown): unknown {
    if (!(error instanceof MediaStoreUnavailableError)) return error;
    this.logger.error(`the media store did not ${what}: ${error.message}`);
    return new AppError('unavailable', `the media store did not ${what}; try again shortly`);
  }

  /** The assets, in the order asked, for attaching to a draft or post; foreign or deleted ids are "not found". */
  requireUsable(
    m: EntityManager,
    workspaceId: string,
    ids: readonly string[],
    field = 'media_ids',
  ): Promise<MediaAssetEntity[]> {
    return requireAllInWorkspace(m, MediaAssetEntity, workspaceId, ids, field, 'media');
  }

  private async findIn(m: EntityManager, workspaceId: string, id: string): Promise<MediaAssetEntity> {
    const asset = UUID_PATTERN.test(id) ? await m.findOne(MediaAssetEntity, { where: { id, workspaceId } }) : null;
    if (!asset) throw notFound('media');
    return asset;
  }

  /**
   * The content from whichever source the caller used, in a temporary file: a multipart upload is
   * already there; base64 (at most the inline cap, already in memory as part of the call) and a
   * download (streamed, cut at the largest cap) are written there now.
   */
  private async receiveFile(input: UploadMediaInput): Promise<RawUpload> {
    const sources = (['contentBase64', 'url', 'file'] as const).filter((name) => input[name] !== undefined);
    if (sources.length !== 1) {
      throw new AppError('validation_failed', 'give exactly one of content_base64 (the file as base64) or url', [
        { field: 'content_base64', issue: 'exactly one of content_base64 and url is required' },
        { field: 'url', issue: 'exactly one of content_base64 and url is required' },
      ]);
    }
    if (input.contentBase64 !== undefined) {
      checkedFileName(input.fileName);
      const { bytes, declaredMime } = decodeBase64(input.contentBase64, this.config.media.maxInlineBytes);
      return { file: await writeCappedFile([bytes], await this.temp.newPath(), bytes.length), declaredMime };
    }
    if (input.file !== undefined) {
      checkedFileName(input.fileName);
      return { file: input.file, declaredMime: input.file.mimeType };
    }
    if (input.fileName !== undefined) checkedFileName(input.fileName);
    return this.download(input.url as string);
  }

  /** The received content identified from its head, named, and within its kind's cap. */
  private async identify(input: UploadMediaInput, raw: RawUpload): Promise<ReceivedMedia> {
    const media = this.config.media;
    const { file, declaredMime } = raw;
    const field = input.contentBase64 !== undefined ? 'content_base64' : input.file !== undefined ? 'file' : 'url';
    // Shown to every reader of the library: a presigned query string or fragment is a credential.
    const sourceUrl = withoutQuery(raw.finalUrl ?? null);
    const head = await readHead(file.path, HEAD_BYTES);
    let detected: DetectedMedia;
    try {
      detected = await detectMedia(head, input.fileName, declaredMime);
    } catch (error) {
      if (error instanceof MediaTypeError) throw unsupportedMedia(error, field);
      throw error;
    }
    const cap = detected.kind === 'image' ? media.maxImageBytes : media.maxVideoBytes;
    if (file.size > cap) throw tooLarge(`The ${detected.kind}`, cap, field);
    const fileName =
      input.fileName !== undefined
        ? checkedFileName(input.fileName)
        : fileNameFromUrl(input.url as string, detected.extension);
    const source = input.url !== undefined ? { url: input.url } : { sha256: file.sha256 };
    return { file, head, detected, fileName, sourceUrl, source };
  }

  /** Streams the URL's body to a temporary file; an error answer is refused before its body is read. */
  private async download(url: string): Promise<RawUpload> {
    const target = await this.temp.newPath();
    try {
      return await this.fetcher.stream(url, async (response) => {
        if (response.status < 200 || response.status > 299) throw fetchAnsweredWith(response.status);
        const file = await writeCappedFile(response.body, target, this.fetcher.maxBytes);
        return { file, declaredMime: response.headers['content-type'], finalUrl: response.finalUrl };
      });
    } catch (error) {
      if (error instanceof SafeFetchError) throw fetchRefused(error, this.fetcher.maxBytes);
      if (error instanceof FileTooLargeError) throw tooLarge('The file at the URL', error.limitBytes, 'url');
      throw error;
    }
  }

  private async discard(file: string | undefined): Promise<void> {
    try {
      await removeTempFile(file);
    } catch (error) {
      this.logger.error(`could not remove temporary upload file ${file}: ${(error as Error).message}`);
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
