import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsIsoTimestamp } from '../../../common/validation/validators.decorator';
import { PageQueryDto } from '../../../common/page-query.dto';

export class ListMediaQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['image', 'video'] })
  @IsOptional()
  @IsIn(['image', 'video'])
  kind?: 'image' | 'video';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  campaign_id?: string;

  @ApiPropertyOptional({ example: 'launch', description: 'Only assets carrying this tag.' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @Matches(/^[\p{L}\p{N}_-]+$/u, { message: 'tag is letters, digits, _ and - only' })
  tag?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'Created at or after this instant.' })
  @IsOptional()
  @IsIsoTimestamp()
  created_after?: string;

  @ApiPropertyOptional({ example: '2026-02-01T00:00:00Z', description: 'Created before this instant.' })
  @IsOptional()
  @IsIsoTimestamp()
  created_before?: string;
}
