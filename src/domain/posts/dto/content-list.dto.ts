import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsIsoTimestamp } from '../../../common/validation/validators.decorator';
import { PLATFORMS, type Platform } from '../../../publishing/rules/platforms';
import { PageQueryDto } from '../../../common/page-query.dto';

/** Query parameters every content list accepts: a page and the shared filters. */
export class ContentListQueryDto extends PageQueryDto {
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
