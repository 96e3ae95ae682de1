import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Patch,
  Post,
  Query,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { RequiresApproval } from '../../access/requires-approval.decorator';
import { AppError } from '../../common/app-error';
import {
  IDEMPOTENCY_KEY_HEADER_DOC,
  IdempotencyKeyHeader,
  IdParam,
  replayAware,
} from '../../common/rest-params.decorator';
import { AuditedStreams } from '../../audit/audited-streams.service';
import { ListMediaQueryDto } from './dto/list-media.dto';
import { type MediaMetadataDto, UploadMediaFieldsDto } from './dto/media-metadata.dto';
import { MediaPageResponse, MediaResponse, toMediaResponse, UploadedMediaResponse } from './dto/media.response';
import { UpdateMediaDto } from './dto/update-media.dto';
import { UploadMediaFromUrlDto } from './dto/upload-media-from-url.dto';
import { MediaService, type MediaMetadataInput } from './media.service';
import { type TempUploadedFile } from './temp-file-storage-engine';
import { TempUploadCleanupInterceptor } from './temp-upload-cleanup.interceptor';
import { UploadSlotsInterceptor } from './upload-slots.interceptor';

const metadataOf = (body: MediaMetadataDto): MediaMetadataInput => ({
  altText: body.alt_text,
  caption: body.caption,
  tags: body.tags,
  campaignId: body.campaign_id,
});

const UPLOAD_LIMITS =
  'Accepted: JPEG, PNG, GIF and WebP images (MEDIA_MAX_IMAGE_BYTES, 10 MB by default) and MP4, QuickTime and WebM ' +
  'videos (MEDIA_MAX_VIDEO_BYTES, 512 MB by default). The type is detected from the bytes; SVG, HTML, executables ' +
  'and files whose name or declared type disagree with their content answer 415 unsupported_media_type; an ' +
  'oversized file answers 413 payload_too_large. Uploading never publishes anything.';

@ApiTags('media')
@ApiBearerAuth()
@Controller('api/v1/media')
export class MediaController {
  constructor(
    private readonly media: MediaService,
    private readonly streams: AuditedStreams,
  ) {}

  @Post()
  @RequireScopes('media:upload')
  // Guards run before this interceptor, so an unauthorised caller's body is never read.
  // Slot first: a refused upload's body is never read. The file part is streamed to a temporary
  // file (see TempFileStorageEngine), which the cleanup interceptor removes whatever happens.
  @UseInterceptors(UploadSlotsInterceptor, TempUploadCleanupInterceptor, FileInterceptor('file'))
  @ApiOperation({
    summary: 'Upload an image or video (multipart/form-data)',
    description: `One file in the field \`file\`, plus optional metadata fields. ${UPLOAD_LIMITS}`,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'The image or video.' },
        file_name: {
          type: 'string',
          maxLength: 255,
          example: 'launch-banner.png',
          description: 'Defaults to the uploaded file’s name; a label only.',
        },
        alt_text: { type: 'string', maxLength: 1000, example: 'Our new app on a phone' },
        caption: { type: 'string', maxLength: 2200, example: 'Launching today!' },
        tags: {
          type: 'array',
          items: { type: 'string' },
          maxItems: 20,
          example: ['launch'],
          description: 'Repeat the field for several tags.',
        },
        campaign_id: { type: 'string', format: 'uuid' },
      },
    },
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: UploadedMediaResponse, description: 'Stored; 200 instead when replayed.' })
  async upload(
    @CurrentActor() actor: Actor,
    @UploadedFile() file: TempUploadedFile | undefined,
    @Body() body: UploadMediaFieldsDto,
    @IdempotencyKeyHeader() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UploadedMediaResponse> {
    if (!file) {
      throw new AppError('validation_failed', 'send the file as multipart/form-data in the field "file"', [
        { field: 'file', issue: 'required' },
      ]);
    }
    return replayAware(
      res,
      await this.media.upload(actor, {
        file: { path: file.path, size: file.size, sha256: file.sha256, mimeType: file.mimetype },
        fileName: body.file_name ?? file.originalname,
        idempotencyKey,
        ...metadataOf(body),
      }),
    );
  }

  @Post('from-url')
  @RequireScopes('media:upload')
  @UseInterceptors(UploadSlotsInterceptor)
  @ApiOperation({
    summary: 'Import an image or video from a public https URL',
    description:
      'Postern downloads the URL itself: https only, public addresses only (every redirect is checked again), ' +
      `within the size cap and MEDIA_FETCH_TIMEOUT_SECONDS. A URL that is refused or fails answers 422 fetch_refused with the reason. ${UPLOAD_LIMITS}`,
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: UploadedMediaResponse, description: 'Stored; 200 instead when replayed.' })
  async uploadFromUrl(
    @CurrentActor() actor: Actor,
    @Body() body: UploadMediaFromUrlDto,
    @IdempotencyKeyHeader() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UploadedMediaResponse> {
    return replayAware(
      res,
      await this.media.upload(actor, {
        url: body.url,
        fileName: body.file_name,
        idempotencyKey,
        ...metadataOf(body),
      }),
    );
  }

  @Get()
  @RequireScopes('media:read')
  @ApiOperation({
    summary: "List the workspace's media, newest first",
    description: 'Filters combine; pass next_cursor back as cursor for the next page. Deleted media is not listed.',
  })
  @ApiOkResponse({ type: MediaPageResponse })
  async list(@CurrentActor() actor: Actor, @Query() query: ListMediaQueryDto): Promise<MediaPageResponse> {
    const page = await this.media.list(actor, {
      kind: query.kind,
      campaignId: query.campaign_id,
      tag: query.tag,
      createdAfter: query.created_after,
      createdBefore: query.created_before,
      cursor: query.cursor,
      limit: query.limit,
    });
    return { items: page.items.map(toMediaResponse), next_cursor: page.next_cursor };
  }

  @Get(':id')
  @RequireScopes('media:read')
  @ApiOperation({
    summary: 'Get one media asset',
    description: 'An id from another workspace, or of deleted media, answers 404 like one that does not exist.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: MediaResponse })
  async get(@CurrentActor() actor: Actor, @IdParam('media') id: string): Promise<MediaResponse> {
    return toMediaResponse(await this.media.get(actor, id));
  }

  @Get(':id/content')
  @RequireScopes('media:read')
  @ApiOperation({
    summary: 'Download the file',
    description:
      'The bytes as stored, with the detected MIME type, as an attachment (never rendered inline by a browser).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4', 'video/quicktime', 'video/webm')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async content(
    @CurrentActor() actor: Actor,
    @IdParam('media') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { asset, stream } = await this.media.openContent(actor, id);
    // attachment() encodes the name safely (RFC 6266); the type is then set to what the bytes are.
    res.attachment(asset.fileName);
    res.setHeader('Content-Type', asset.mimeType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    // The bytes stream straight from storage, so the read's record is committed before they start;
    // if it cannot be, the opened file or S3 body is closed and nothing is sent.
    try {
      await this.streams.commitBeforeStreaming();
    } catch (err) {
      stream.destroy();
      throw err;
    }
    return new StreamableFile(stream, { length: asset.sizeBytes });
  }

  @Patch(':id')
  @RequireScopes('media:update')
  @ApiOperation({
    summary: "Change a media asset's alt text, caption, tags or campaign",
    description:
      'Fields left out keep their value; null clears one; tags replace the old list. The file cannot change.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: MediaResponse })
  async update(
    @CurrentActor() actor: Actor,
    @IdParam('media') id: string,
    @Body() body: UpdateMediaDto,
  ): Promise<MediaResponse> {
    return this.media.update(actor, id, metadataOf(body));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('media:delete')
  @RequiresApproval({ action: 'delete', reason: 'deletes media' })
  @ApiOperation({
    summary: 'Move a media asset to the trash',
    description: 'It disappears from reads and can no longer be attached; nothing published is removed.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: MediaResponse, description: 'The asset as it was.' })
  async delete(@CurrentActor() actor: Actor, @IdParam('media') id: string): Promise<MediaResponse> {
    return this.media.delete(actor, id);
  }
}
