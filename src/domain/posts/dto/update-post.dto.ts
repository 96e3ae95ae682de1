import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsUUID } from 'class-validator';
import { ExpectedVersion } from '../../../common/validation/expected-version';
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

  @ExpectedVersion('post')
  expected_version?: number;
}
