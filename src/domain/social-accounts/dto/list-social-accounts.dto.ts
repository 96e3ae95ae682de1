import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../common/pagination';
import { PLATFORMS, type Platform } from '../../../publishing/rules/platforms';
import { SOCIAL_ACCOUNT_STATUSES, type SocialAccountStatus } from '../social-account.entity';

export class ListSocialAccountsDto {
  @ApiPropertyOptional({ enum: PLATFORMS, description: 'Only accounts on this platform.' })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ enum: SOCIAL_ACCOUNT_STATUSES, description: 'Only accounts in this status.' })
  @IsOptional()
  @IsIn(SOCIAL_ACCOUNT_STATUSES)
  status?: SocialAccountStatus;

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
