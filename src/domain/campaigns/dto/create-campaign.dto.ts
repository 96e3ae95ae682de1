import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsCalendarDate } from '../../../common/validation/validators.decorator';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../campaign.entity';
import { CAMPAIGN_LIMITS } from '../campaigns.service';
import { CampaignGoal, CampaignName, CampaignTags } from './campaign-fields.dto';

export class CreateCampaignDto {
  @ApiProperty({ example: 'Spring launch', minLength: 1, maxLength: CAMPAIGN_LIMITS.name })
  @CampaignName()
  name: string;

  @ApiPropertyOptional({ example: 'Get 500 sign-ups for the beta', maxLength: CAMPAIGN_LIMITS.goal })
  @IsOptional()
  @CampaignGoal()
  goal?: string;

  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES, default: 'planned' })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'First day, YYYY-MM-DD, workspace time zone.' })
  @IsOptional()
  @IsCalendarDate()
  starts_on?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'Last day (inclusive), on or after starts_on.' })
  @IsOptional()
  @IsCalendarDate()
  ends_on?: string;

  @ApiPropertyOptional({ type: [String], example: ['launch'], maxItems: 20 })
  @IsOptional()
  @CampaignTags()
  tags?: string[];
}
