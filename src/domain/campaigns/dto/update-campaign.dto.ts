import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, ValidateIf } from 'class-validator';
import { IsCalendarDate } from '../../../common/validation/validators.decorator';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../campaign.entity';
import { CAMPAIGN_LIMITS } from '../campaigns.service';
import { CampaignGoal, CampaignName, CampaignTags } from './campaign-fields.dto';

/** Fields left out stay as they are; null clears goal or a date (name, status and tags cannot be null). */
export class UpdateCampaignDto {
  @ApiPropertyOptional({ example: 'Spring launch (EU)', maxLength: CAMPAIGN_LIMITS.name })
  @ValidateIf((o: UpdateCampaignDto) => o.name !== undefined)
  @CampaignName()
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: CAMPAIGN_LIMITS.goal })
  @IsOptional()
  @CampaignGoal()
  goal?: string | null;

  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @ValidateIf((o: UpdateCampaignDto) => o.status !== undefined)
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;

  @ApiPropertyOptional({ nullable: true, type: String, example: '2026-03-01' })
  @IsOptional()
  @IsCalendarDate()
  starts_on?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: '2026-04-15' })
  @IsOptional()
  @IsCalendarDate()
  ends_on?: string | null;

  @ApiPropertyOptional({ type: [String], description: 'Replaces all tags; [] clears them.' })
  @ValidateIf((o: UpdateCampaignDto) => o.tags !== undefined)
  @CampaignTags()
  tags?: string[];
}
