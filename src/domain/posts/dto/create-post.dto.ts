import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsUUID } from 'class-validator';
import { CONTENT_LIMITS } from '../content-input';
import { ContentFieldsDto } from './content.dto';

export class CreatePostDto extends ContentFieldsDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: CONTENT_LIMITS.targets,
    description: 'The social accounts to post to; each becomes a target with status ready.',
    example: ['3f0b8f0e-8d7a-4b8c-9a2e-6f1d2c3b4a59'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CONTENT_LIMITS.targets)
  @IsUUID('all', { each: true })
  social_account_ids: string[];
}

export class CreatePostFromDraftDto {
  @ApiProperty({ format: 'uuid', example: '9a4e1c52-7d0b-4f36-8b8e-2f5d3c1a0e77' })
  @IsUUID('all')
  draft_id: string;

  @ApiPropertyOptional({
    type: [String],
    minItems: 1,
    maxItems: CONTENT_LIMITS.targets,
    description: 'Post to these accounts instead of the draft’s own.',
    example: ['3f0b8f0e-8d7a-4b8c-9a2e-6f1d2c3b4a59'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CONTENT_LIMITS.targets)
  @IsUUID('all', { each: true })
  social_account_ids?: string[];
}
