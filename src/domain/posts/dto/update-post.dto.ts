import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { CONTENT_LIMITS } from '../content-input';
import { ContentFieldsDto } from './content.dto';

/** Only the fields sent change; null removes title, link or campaign_id. */
export class UpdatePostDto extends ContentFieldsDto {
  @ApiPropertyOptional({
    type: [String],
    minItems: 1,
    maxItems: CONTENT_LIMITS.targets,
    description: 'Replaces the targets.',
    example: ['3f0b8f0e-8d7a-4b8c-9a2e-6f1d2c3b4a59'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CONTENT_LIMITS.targets)
  @IsUUID('all', { each: true })
  social_account_ids?: string[];

  @ApiPropertyOptional({
    description: 'The version you last read; if the post changed since, the update is refused with 409 conflict.',
    example: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  expected_version?: number;
}
