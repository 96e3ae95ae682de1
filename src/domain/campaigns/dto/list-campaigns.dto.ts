import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../common/pagination';
import { IsCalendarDate } from '../../../common/validation/validators.decorator';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../campaign.entity';

export class ListCampaignsDto {
  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;

  @ApiPropertyOptional({ example: 'launch', description: 'Only campaigns carrying this tag.' })
  @IsOptional()
  @MaxLength(50)
  @Matches(/^[\p{L}\p{N}_-]+$/u, { message: 'tag is letters, digits, _ and - only' })
  tag?: string;

  @ApiPropertyOptional({ example: '2026-03-15', description: 'Campaigns running on this day. Not with from/to.' })
  @IsOptional()
  @IsCalendarDate()
  active_on?: string;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'Campaigns whose dates reach this day or later.' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'Campaigns starting on or before this day.' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ description: 'next_cursor from the previous page; omit for the first page.' })
  @IsOptional()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a value returned as next_cursor' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}
