import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { CAMPAIGN_STATUSES, type CampaignEntity, type CampaignStatus } from '../campaign.entity';
import type { CampaignCounts } from '../campaigns.repository';

export class CampaignResponse {
  @ApiProperty({ format: 'uuid', example: '3d5e7f90-1a2b-4c3d-8e9f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ example: 'Spring launch' }) name: string;
  @ApiProperty({ example: 'Get 500 sign-ups for the beta', nullable: true, type: String }) goal: string | null;
  @ApiProperty({ enum: CAMPAIGN_STATUSES, example: 'planned' }) status: CampaignStatus;
  @ApiProperty({ example: '2026-03-01', nullable: true, type: String, description: 'YYYY-MM-DD, workspace time zone.' })
  starts_on: string | null;
  @ApiProperty({ example: '2026-03-31', nullable: true, type: String, description: 'YYYY-MM-DD, inclusive.' })
  ends_on: string | null;
  @ApiProperty({ type: [String], example: ['launch', 'beta'] }) tags: string[];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class CampaignCountsResponse {
  @ApiProperty({ example: 4 }) posts: number;
  @ApiProperty({ example: 2 }) drafts: number;
  @ApiProperty({ example: 7 }) media: number;
}

export class CampaignDetailResponse extends CampaignResponse {
  @ApiProperty({ type: CampaignCountsResponse, description: 'Content assigned to the campaign, trash excluded.' })
  counts: CampaignCountsResponse;
}

export class CreatedCampaignResponse extends CampaignResponse {
  @ApiProperty({ description: 'True when an earlier call with the same Idempotency-Key created it.' })
  replayed: boolean;
}

export class DeletedCampaignResponse extends CampaignResponse {
  @ApiProperty({ format: 'date-time' }) deleted_at: string;
}

export class CampaignPageResponse {
  @ApiProperty({ type: [CampaignResponse] }) items: CampaignResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last.' })
  next_cursor: string | null;
}

export const campaignOutput = z.object({
  id: z.string().describe('Campaign id (UUID); use it as campaign_id on drafts, posts and media.'),
  name: z.string(),
  goal: z.string().nullable(),
  status: z.enum(CAMPAIGN_STATUSES),
  starts_on: z.string().nullable().describe('YYYY-MM-DD in the workspace time zone; null when not dated yet.'),
  ends_on: z.string().nullable().describe('YYYY-MM-DD, inclusive; null when open-ended.'),
  tags: z.array(z.string()),
  created_at: z.string().describe('ISO 8601, UTC.'),
  updated_at: z.string().describe('ISO 8601, UTC.'),
});

export const campaignDetailOutput = campaignOutput.extend({
  counts: z
    .object({ posts: z.number().int(), drafts: z.number().int(), media: z.number().int() })
    .describe('How many posts, drafts and media assets are assigned to the campaign (trash excluded).'),
});

export const createdCampaignOutput = campaignOutput.extend({
  replayed: z
    .boolean()
    .describe('True when an earlier call with the same idempotency_key created it; nothing new was made.'),
});

export const deletedCampaignOutput = campaignOutput.extend({ deleted_at: z.string().describe('ISO 8601, UTC.') });

export function toCampaignResponse(c: CampaignEntity): CampaignResponse {
  return {
    id: c.id,
    name: c.name,
    goal: c.goal,
    status: c.status,
    starts_on: c.startsOn,
    ends_on: c.endsOn,
    tags: [...c.tags],
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export function toCampaignDetailResponse(c: CampaignEntity, counts: CampaignCounts): CampaignDetailResponse {
  return { ...toCampaignResponse(c), counts: { ...counts } };
}
