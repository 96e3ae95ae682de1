import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from '../../../common/pagination';
import { IsIsoTimestamp } from '../../../common/validation/validators.decorator';
import { PLATFORMS, type Platform } from '../../../publishing/rules/platforms';

/** Query parameters every content list accepts: a page and the shared filters. */
export class ContentListQueryDto {
  @ApiPropertyOptional({ description: 'next_cursor from the previous page.', example: 'WyIyMDI2LTExLTIxVDA5OjAw' })
  @IsOptional()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by a previous call' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 25, example: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only content in this campaign.' })
  @IsOptional()
  @IsUUID('all')
  campaign_id?: string;

  @ApiPropertyOptional({ enum: PLATFORMS, description: 'Only content with a target account on this platform.' })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601 with offset).', example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @IsIsoTimestamp()
  created_after?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601 with offset).', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsIsoTimestamp()
  created_before?: string;
}
