import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import type { MediaAssetEntity } from '../media-asset.entity';

export class MediaResponse {
  @ApiProperty({ format: 'uuid', example: '3d7c9a0e-5b1f-4c2a-9e8d-1f2a3b4c5d6e' }) id: string;
  @ApiProperty({ example: 'launch-banner.png', description: 'A label only; never used as a path.' })
  file_name: string;
  @ApiProperty({ example: 'image/png', description: 'What the bytes are, detected on upload.' }) mime_type: string;
  @ApiProperty({ enum: ['image', 'video'], example: 'image' }) kind: 'image' | 'video';
  @ApiProperty({ example: 48213 }) size_bytes: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256: string;
  @ApiProperty({ type: Number, nullable: true, example: 1200 }) width: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 628 }) height: number | null;
  @ApiProperty({ type: Number, nullable: true, example: null, description: 'Videos only (MP4, QuickTime).' })
  duration_ms: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'Our new app on a phone, blue background' })
  alt_text: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Launching today!' }) caption: string | null;
  @ApiProperty({ type: [String], example: ['launch', 'q3'] }) tags: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null }) campaign_id: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'The URL it was imported from, if any.' })
  source_url: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class UploadedMediaResponse extends MediaResponse {
  @ApiProperty({ description: 'True when this answers a repeat of an earlier call with the same idempotency key.' })
  replayed: boolean;
}

export class MediaPageResponse {
  @ApiProperty({ type: [MediaResponse] }) items: MediaResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last.' })
  next_cursor: string | null;
}

export const mediaOutput = z.object({
  id: z.string().describe('Media id (UUID); pass it in media_ids when drafting or posting.'),
  file_name: z.string().describe('A label only.'),
  mime_type: z
    .string()
    .describe(
      'Detected from the bytes: image/jpeg, image/png, image/gif, image/webp, video/mp4, video/quicktime or video/webm.',
    ),
  kind: z.enum(['image', 'video']),
  size_bytes: z.number().int().describe('Size in bytes.'),
  sha256: z.string().describe('SHA-256 of the bytes, hex.'),
  width: z.number().int().nullable().describe('Pixels; null when unknown.'),
  height: z.number().int().nullable().describe('Pixels; null when unknown.'),
  duration_ms: z.number().int().nullable().describe('Video length in milliseconds; null for images or when unknown.'),
  alt_text: z.string().nullable(),
  caption: z.string().nullable(),
  tags: z.array(z.string()),
  campaign_id: z.string().nullable(),
  source_url: z.string().nullable().describe('The https URL the file was imported from, or null.'),
  created_at: z.string().describe('ISO 8601, UTC.'),
  updated_at: z.string().describe('ISO 8601, UTC.'),
});

export const uploadedMediaOutput = mediaOutput.extend({
  replayed: z.boolean().describe('True when an earlier call with the same idempotency_key is answered again.'),
});

export function toMediaResponse(a: MediaAssetEntity): MediaResponse {
  return {
    id: a.id,
    file_name: a.fileName,
    mime_type: a.mimeType,
    kind: a.kind,
    size_bytes: a.sizeBytes,
    sha256: a.sha256,
    width: a.width,
    height: a.height,
    duration_ms: a.durationMs,
    alt_text: a.altText,
    caption: a.caption,
    tags: a.tags,
    campaign_id: a.campaignId,
    source_url: a.sourceUrl,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}
