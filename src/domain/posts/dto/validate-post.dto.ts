import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PLATFORMS, type Platform } from '../../../publishing/rules/platforms';
import { CONTENT_LIMITS } from '../content-input';
import { ContentFieldsDto } from './content.dto';

/** Exactly one of post_id, draft_id or the content; targets from platforms and/or social_account_ids. */
export class ValidatePostDto extends OmitType(ContentFieldsDto, ['campaign_id'] as const) {
  @ApiPropertyOptional({ format: 'uuid', description: 'Check a saved post (against its targets by default).' })
  @IsOptional()
  @IsUUID('all')
  post_id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Check a saved draft (against its accounts by default). Needs drafts:read as well.',
  })
  @IsOptional()
  @IsUUID('all')
  draft_id?: string;

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true, example: ['x', 'instagram'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PLATFORMS.length)
  @IsIn(PLATFORMS, { each: true })
  platforms?: Platform[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: CONTENT_LIMITS.targets,
    description: 'Accounts to check against; their platform and capabilities apply.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTENT_LIMITS.targets)
  @IsUUID('all', { each: true })
  social_account_ids?: string[];
}
