import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { pageOutput } from '../../../mcp/tool-params';
import type { PlatformOverrides } from '../../posts/content-fields';
import { VariantsDto } from '../../posts/dto/content.dto';
import {
  AuthorResponse,
  authorOutput,
  contentOutputFields,
  toAuthorResponse,
  toContentResponse,
} from '../../posts/dto/content.response';
import type { DraftEntity } from '../draft.entity';

export class DraftResponse {
  @ApiProperty({ format: 'uuid', example: '9a4e1c52-7d0b-4f36-8b8e-2f5d3c1a0e77' }) id: string;
  @ApiProperty({ example: 'Our spring sale starts today: 20% off everything until Sunday.' }) text: string;
  @ApiProperty({ nullable: true, type: String, example: 'Spring sale' }) title: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'https://example.com/sale' }) link: string | null;
  @ApiProperty({ type: () => VariantsDto, example: { x: { text: 'Spring sale: 20% off. #sale' } } })
  variants: PlatformOverrides;
  @ApiProperty({ type: [String], example: ['0b7c3f7e-5a54-4a8e-9a43-6f0f1bb0c2d1'] }) media_ids: string[];
  @ApiProperty({ type: [String], example: ['3f0b8f0e-8d7a-4b8c-9a2e-6f1d2c3b4a59'] }) social_account_ids: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) campaign_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Check the discount with legal before posting.' })
  notes: string | null;
  @ApiProperty({ description: 'Goes up by one on every update; send it back as expected_version.', example: 1 })
  version: number;
  @ApiProperty({ type: AuthorResponse }) author: AuthorResponse;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Set once deleted.' })
  deleted_at: string | null;
}

export class CreatedDraftResponse extends DraftResponse {
  @ApiProperty({ description: 'True when an Idempotency-Key repeated an earlier create: this is its result.' })
  replayed: boolean;
}

export class DraftPageResponse {
  @ApiProperty({ type: [DraftResponse] }) items: DraftResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last.' })
  next_cursor: string | null;
}

export const draftOutput = z.object({
  id: z.string().describe('Draft id (UUID).'),
  ...contentOutputFields,
  social_account_ids: z.array(z.string()).describe('The accounts this draft is meant for.'),
  campaign_id: z.string().nullable(),
  notes: z.string().nullable().describe('Notes for reviewers; never published.'),
  version: z.number().int().describe('Goes up by one on every update; pass it as expected_version.'),
  author: authorOutput,
  created_at: z.string().describe('ISO 8601, UTC.'),
  updated_at: z.string().describe('ISO 8601, UTC.'),
  deleted_at: z.string().nullable().describe('ISO 8601, UTC; set once deleted.'),
});

export const createdDraftOutput = draftOutput.extend({
  replayed: z.boolean().describe('True when idempotency_key repeated an earlier call: this is its result.'),
});

export const draftPageOutput = pageOutput(draftOutput);

export function toDraftResponse(d: DraftEntity): DraftResponse {
  return {
    id: d.id,
    ...toContentResponse(d),
    social_account_ids: [...d.socialAccountIds],
    campaign_id: d.campaignId,
    notes: d.notes,
    version: d.version,
    author: toAuthorResponse({ userId: d.authorUserId, clientId: d.authorClientId }),
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
    deleted_at: d.deletedAt?.toISOString() ?? null,
  };
}
