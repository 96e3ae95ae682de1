import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { pageOutput } from '../../../mcp/tool-params';
import { PLATFORMS, type Platform } from '../../../publishing/rules/platforms';
import type { PlatformOverrides } from '../content-fields';
import { POST_STATUSES, type PostStatus } from '../post-status';
import type { PostEntity } from '../post.entity';
import { restorableUntil } from '../trash-retention';
import { VariantsDto } from './content.dto';
import {
  AuthorResponse,
  authorOutput,
  contentOutputFields,
  toAuthorResponse,
  toContentResponse,
} from './content.response';

/** One target as read with its account's platform. */
export interface TargetView {
  socialAccountId: string;
  platform: Platform;
  status: PostStatus;
  updatedAt: Date;
  scheduledAt: Date | null;
  publishedAt: Date | null;
  externalUrl: string | null;
  error: { code: string; message: string } | null;
}

export class TargetErrorResponse {
  @ApiProperty({ example: 'outcome_unknown' }) code: string;
  @ApiProperty({ example: 'the network did not answer within 30 s' }) message: string;
}

export class PostTargetResponse {
  @ApiProperty({ format: 'uuid', example: '3f0b8f0e-8d7a-4b8c-9a2e-6f1d2c3b4a59' }) social_account_id: string;
  @ApiProperty({ enum: PLATFORMS, example: 'linkedin' }) platform: Platform;
  @ApiProperty({ enum: POST_STATUSES, example: 'ready' }) status: PostStatus;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When this target is (was) due.' })
  scheduled_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) published_at: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The post on the network, once published.',
    example: 'https://www.linkedin.com/feed/update/urn:li:share:7000000000000000000',
  })
  external_url: string | null;
  @ApiProperty({
    type: TargetErrorResponse,
    nullable: true,
    description: 'Why the last attempt failed, or why its outcome is being confirmed.',
  })
  error: TargetErrorResponse | null;
}

export class PostResponse {
  @ApiProperty({ format: 'uuid', example: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ example: 'Our spring sale starts today: 20% off everything until Sunday.' }) text: string;
  @ApiProperty({ nullable: true, type: String, example: 'Spring sale' }) title: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'https://example.com/sale' }) link: string | null;
  @ApiProperty({ type: () => VariantsDto, example: { x: { text: 'Spring sale: 20% off. #sale' } } })
  variants: PlatformOverrides;
  @ApiProperty({ type: [String], example: ['0b7c3f7e-5a54-4a8e-9a43-6f0f1bb0c2d1'] }) media_ids: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) campaign_id: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The draft it was made from, if any.' })
  draft_id: string | null;
  @ApiProperty({
    enum: POST_STATUSES,
    example: 'ready',
    description: 'A new post is ready: not scheduled, not published.',
  })
  status: PostStatus;
  @ApiProperty({ description: 'Goes up by one on every update; send it back as expected_version.', example: 1 })
  version: number;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the post is (was) due to go out; null until scheduled or published.',
  })
  scheduled_at: string | null;
  @ApiProperty({ type: [PostTargetResponse] }) targets: PostTargetResponse[];
  @ApiProperty({ type: AuthorResponse }) author: AuthorResponse;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Set while the post is in the trash.',
  })
  deleted_at: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'While in the trash: until when it can be restored (deleted_at + 30 days).',
  })
  restorable_until: string | null;
}

export class CreatedPostResponse extends PostResponse {
  @ApiProperty({ description: 'True when an Idempotency-Key repeated an earlier create: this is its result.' })
  replayed: boolean;
}

export class PostPageResponse {
  @ApiProperty({ type: [PostResponse] }) items: PostResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last.' })
  next_cursor: string | null;
}

export class PostStatusResponse {
  @ApiProperty({ format: 'uuid' }) post_id: string;
  @ApiProperty({ enum: POST_STATUSES, example: 'ready' }) status: PostStatus;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ type: [PostTargetResponse] }) targets: PostTargetResponse[];
}

const targetOutput = z.object({
  social_account_id: z.string().describe('Social account id (UUID).'),
  platform: z.enum(PLATFORMS),
  status: z.enum(POST_STATUSES).describe('This target’s own status.'),
  updated_at: z.string().describe('ISO 8601, UTC: when this target’s status last changed.'),
  scheduled_at: z.string().nullable().describe('ISO 8601, UTC: when this target is (was) due.'),
  published_at: z.string().nullable().describe('ISO 8601, UTC: when the network took it.'),
  external_url: z.string().nullable().describe('The post on the network, once published.'),
  error: z
    .object({ code: z.string(), message: z.string() })
    .nullable()
    .describe('Why the last attempt failed; with status unknown, why its outcome is being confirmed with the network.'),
});

export const postOutput = z.object({
  id: z.string().describe('Post id (UUID).'),
  ...contentOutputFields,
  campaign_id: z.string().nullable(),
  draft_id: z.string().nullable().describe('The draft this post was made from, if any.'),
  status: z
    .enum(POST_STATUSES)
    .describe(
      'ready: created, not scheduled or published. scheduled (until cancel_post), publishing, published and unknown ' +
        'freeze the content.',
    ),
  version: z.number().int().describe('Goes up by one on every update; pass it as expected_version.'),
  scheduled_at: z
    .string()
    .nullable()
    .describe('ISO 8601, UTC: when the post is (was) due to go out; null until scheduled or published.'),
  targets: z.array(targetOutput).describe('The social accounts this post goes to, each with its own status.'),
  author: authorOutput,
  created_at: z.string().describe('ISO 8601, UTC.'),
  updated_at: z.string().describe('ISO 8601, UTC.'),
  deleted_at: z.string().nullable().describe('ISO 8601, UTC; set while the post is in the trash.'),
  restorable_until: z
    .string()
    .nullable()
    .describe('While in the trash: the last moment restore_post can bring it back (ISO 8601, UTC).'),
});

export const createdPostOutput = postOutput.extend({
  replayed: z.boolean().describe('True when idempotency_key repeated an earlier call: this is its result.'),
});

export const postPageOutput = pageOutput(postOutput);

export const postStatusOutput = z.object({
  post_id: z.string(),
  status: z.enum(POST_STATUSES),
  version: z.number().int(),
  updated_at: z.string().describe('ISO 8601, UTC.'),
  targets: z.array(targetOutput),
});

function toTargetResponse(t: TargetView): PostTargetResponse {
  return {
    social_account_id: t.socialAccountId,
    platform: t.platform,
    status: t.status,
    updated_at: t.updatedAt.toISOString(),
    scheduled_at: t.scheduledAt?.toISOString() ?? null,
    published_at: t.publishedAt?.toISOString() ?? null,
    external_url: t.externalUrl,
    error: t.error,
  };
}

export function toPostResponse(p: PostEntity, targets: readonly TargetView[]): PostResponse {
  return {
    id: p.id,
    ...toContentResponse(p),
    campaign_id: p.campaignId,
    draft_id: p.draftId,
    status: p.status,
    version: p.version,
    scheduled_at: p.scheduledAt?.toISOString() ?? null,
    targets: targets.map(toTargetResponse),
    author: toAuthorResponse({ userId: p.createdByUserId, clientId: p.createdByClientId }),
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    deleted_at: p.deletedAt?.toISOString() ?? null,
    restorable_until: p.deletedAt ? restorableUntil(p.deletedAt).toISOString() : null,
  };
}

export function toPostStatusResponse(p: PostEntity, targets: readonly TargetView[]): PostStatusResponse {
  return {
    post_id: p.id,
    status: p.status,
    version: p.version,
    updated_at: p.updatedAt.toISOString(),
    targets: targets.map(toTargetResponse),
  };
}
