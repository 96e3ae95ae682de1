import { UseInterceptors } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { McpController, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { RequiresApproval } from '../../access/requires-approval.decorator';
import { base64Length } from '../../common/base64-length';
import { MEDIA_DEFAULTS } from '../../config/app-config';
import {
  annotations,
  idempotencyKeyParam,
  idParam,
  lineParam,
  pageOutput,
  pageParams,
  tagParam,
  tagsParam,
  textParam,
  timestampParam,
} from '../../mcp/tool-params';
import { mediaOutput, toMediaResponse, uploadedMediaOutput } from './dto/media.response';
import { megabytes } from './media.errors';
import { UploadSlotsInterceptor } from './upload-slots.interceptor';
import { MediaService, type MediaMetadataInput } from './media.service';

/** The most base64 any configuration admits (MEDIA_MAX_INLINE_BYTES ≤ 64 MiB), plus a data: prefix. */
const BASE64_CEILING = base64Length(64 * 1024 * 1024) + 200;

const ACCEPTED =
  `JPEG, PNG, GIF and WebP images (up to ${megabytes(MEDIA_DEFAULTS.maxImageBytes)} by default) and MP4, ` +
  `QuickTime (.mov) and WebM videos (up to ${megabytes(MEDIA_DEFAULTS.maxVideoBytes)} by default)`;

const metadataParams = {
  alt_text: textParam(1000)
    .nullable()
    .optional()
    .describe('Text alternative for screen readers, at most 1000 characters; null clears it.'),
  caption: textParam(2200).nullable().optional().describe('A caption, at most 2200 characters; null clears it.'),
  tags: tagsParam.optional(),
  campaign_id: idParam('campaign')
    .nullable()
    .optional()
    .describe('A campaign of this workspace to file the asset under; null removes it from its campaign.'),
};

const mediaIdParam = idParam('media').describe('The media id (UUID), as returned by upload_media or list_media.');

const uploadMediaParams = z
  .object({
    content_base64: z
      .string()
      .max(BASE64_CEILING)
      .optional()
      .describe(
        `The file itself, standard base64 (a data:image/png;base64, prefix is accepted), at most ` +
          `${megabytes(MEDIA_DEFAULTS.maxInlineBytes)} decoded by default. Give this or url, not both.`,
      ),
    url: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .describe(
        'A public https URL of the file to download instead of sending it. localhost, private, link-local and ' +
          'other internal addresses are refused, also after redirects. Give this or content_base64, not both.',
      ),
    file_name: lineParam(255)
      .optional()
      .describe(
        'A label such as "launch-banner.png", never a path. Required with content_base64; with url it defaults to ' +
          'the last part of the URL. Its extension must agree with the content.',
      ),
    ...metadataParams,
    idempotency_key: idempotencyKeyParam.optional(),
  })
  .strict();

const getMediaParams = z.object({ media_id: mediaIdParam }).strict();

const listMediaParams = z
  .object({
    kind: z.enum(['image', 'video']).optional().describe('Only images or only videos.'),
    campaign_id: idParam('campaign').optional().describe('Only assets filed under this campaign.'),
    tag: tagParam.optional().describe('Only assets carrying this tag.'),
    created_after: timestampParam.optional().describe('Only assets created at or after this instant (ISO 8601).'),
    created_before: timestampParam.optional().describe('Only assets created before this instant (ISO 8601).'),
    ...pageParams,
  })
  .strict();

const updateMediaParams = z.object({ media_id: mediaIdParam, ...metadataParams }).strict();

const metadataOf = (
  args: z.infer<typeof updateMediaParams> | z.infer<typeof uploadMediaParams>,
): MediaMetadataInput => ({
  altText: args.alt_text,
  caption: args.caption,
  tags: args.tags,
  campaignId: args.campaign_id,
});

@McpController()
export class MediaTools {
  constructor(private readonly media: MediaService) {}

  @Tool({
    name: 'upload_media',
    description:
      `Add an image or video to this workspace's media library, sent as base64 (content_base64) or downloaded ` +
      `from a public https URL (url): give exactly one. Accepted: ${ACCEPTED}; base64 content is limited to ` +
      `${megabytes(MEDIA_DEFAULTS.maxInlineBytes)} by default, so send larger files by URL. The type is detected ` +
      'from the bytes: SVG, HTML, executables and files whose name or declared type disagrees with their content ' +
      'are refused with unsupported_media_type; a file over its limit with payload_too_large (the message gives the ' +
      'limit); a URL that is not public https, or that fails to download, with fetch_refused and the reason. ' +
      'Uploading never posts anything: pass the returned id in media_ids of a draft or post. Returns the asset ' +
      'with its detected type, size, pixel size and, for MP4/QuickTime, duration.',
    parameters: uploadMediaParams,
    outputSchema: uploadedMediaOutput,
    // It may download from the URL given: the outside world is involved.
    annotations: { ...annotations.create, openWorldHint: true, title: 'Upload media' },
  })
  @RequireScopes('media:upload')
  @UseInterceptors(UploadSlotsInterceptor)
  async uploadMedia(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof uploadMediaParams>) {
    return this.media.upload(actor, {
      contentBase64: args.content_base64,
      url: args.url,
      fileName: args.file_name,
      idempotencyKey: args.idempotency_key,
      ...metadataOf(args),
    });
  }

  @Tool({
    name: 'get_media',
    description:
      'Get one media asset of this workspace by id: file name, detected type, size in bytes, pixel size, duration ' +
      '(videos), alt text, caption, tags and campaign. An id from another workspace or a deleted asset is ' +
      'not_found. Does not return the bytes. Read-only.',
    parameters: getMediaParams,
    outputSchema: mediaOutput,
    annotations: { ...annotations.read, title: 'Get media' },
  })
  @RequireScopes('media:read')
  async getMedia(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof getMediaParams>) {
    return toMediaResponse(await this.media.get(actor, args.media_id));
  }

  @Tool({
    name: 'list_media',
    description:
      "List this workspace's media library, newest first, optionally only images or videos, one campaign, one " +
      'tag, or a creation time range (ISO 8601 with offset). Paginated: pass next_cursor back as cursor for the ' +
      'next page. Deleted assets are not listed. Read-only.',
    parameters: listMediaParams,
    outputSchema: pageOutput(mediaOutput),
    annotations: { ...annotations.read, title: 'List media' },
  })
  @RequireScopes('media:read')
  async listMedia(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof listMediaParams>) {
    const page = await this.media.list(actor, {
      kind: args.kind,
      campaignId: args.campaign_id,
      tag: args.tag,
      createdAfter: args.created_after,
      createdBefore: args.created_before,
      cursor: args.cursor,
      limit: args.limit,
    });
    return { items: page.items.map(toMediaResponse), next_cursor: page.next_cursor };
  }

  @Tool({
    name: 'update_media',
    description:
      "Change a media asset's alt text, caption, tags (the list given replaces the old one) or campaign; fields " +
      'left out keep their value, null clears one. The file itself cannot be changed: upload a new one. Posts ' +
      'already published are not changed.',
    parameters: updateMediaParams,
    outputSchema: mediaOutput,
    annotations: { ...annotations.update, title: 'Update media' },
  })
  @RequireScopes('media:update')
  async updateMedia(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof updateMediaParams>) {
    return this.media.update(actor, args.media_id, metadataOf(args));
  }

  @Tool({
    name: 'delete_media',
    description:
      'Move a media asset to the trash: it disappears from get_media and list_media and can no longer be attached ' +
      'to drafts or posts. Nothing already published is removed. Returns the asset as it was.',
    parameters: getMediaParams,
    outputSchema: mediaOutput,
    annotations: { ...annotations.delete, title: 'Delete media' },
  })
  @RequireScopes('media:delete')
  @RequiresApproval({ action: 'delete', reason: 'deletes media' })
  async deleteMedia(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof getMediaParams>) {
    return this.media.delete(actor, args.media_id);
  }
}
