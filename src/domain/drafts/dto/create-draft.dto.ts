import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { NoControlCharacters } from '../../../common/validation/validators.decorator';
import { CONTENT_LIMITS } from '../../posts/content-input';
import { ContentFieldsDto } from '../../posts/dto/content.dto';

export class CreateDraftDto extends ContentFieldsDto {
  @ApiPropertyOptional({
    type: [String],
    maxItems: CONTENT_LIMITS.targets,
    description: 'The social accounts this draft is meant for.',
    example: ['3f0b8f0e-8d7a-4b8c-9a2e-6f1d2c3b4a59'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTENT_LIMITS.targets)
  @IsUUID('all', { each: true })
  social_account_ids?: string[];

  @ApiPropertyOptional({
    maxLength: CONTENT_LIMITS.notes,
    description: 'Notes for reviewers; never published.',
    example: 'Check the discount with legal before posting.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(CONTENT_LIMITS.notes)
  @NoControlCharacters()
  notes?: string | null;
}
