import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../../common/validation/validators.decorator';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../campaign.entity';
import { PageQueryDto } from '../../../common/page-query.dto';

export class ListCampaignsDto extends PageQueryDto {
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
}
