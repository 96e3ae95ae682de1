import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PLATFORMS, type Platform } from '../../../publishing/rules/platforms';
import { SOCIAL_ACCOUNT_STATUSES, type SocialAccountStatus } from '../social-account.entity';
import { PageQueryDto } from '../../../common/page-query.dto';

export class ListSocialAccountsDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PLATFORMS, description: 'Only accounts on this platform.' })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ enum: SOCIAL_ACCOUNT_STATUSES, description: 'Only accounts in this status.' })
  @IsOptional()
  @IsIn(SOCIAL_ACCOUNT_STATUSES)
  status?: SocialAccountStatus;
}
