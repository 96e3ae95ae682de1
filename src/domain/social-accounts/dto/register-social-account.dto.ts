import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { NoControlCharacters } from '../../../common/validation/validators.decorator';
import { PLATFORMS, type Platform } from '../../../publishing/rules/platforms';
import { ACCOUNT_CAPABILITIES, type AccountCapability } from '../../../publishing/rules/rule-types';
import { SOCIAL_ACCOUNT_STATUSES, type SocialAccountStatus } from '../social-account.entity';
import { EXTERNAL_ID_PATTERN, SOCIAL_ACCOUNT_LIMITS } from '../social-accounts.service';

/** Registers an account's metadata; credentials are connected separately and never pass through here. */
export class RegisterSocialAccountDto {
  @ApiProperty({ enum: PLATFORMS, example: 'x' })
  @IsIn(PLATFORMS)
  platform: Platform;

  @ApiProperty({ example: 'Acme on X', minLength: 1, maxLength: SOCIAL_ACCOUNT_LIMITS.displayName })
  @IsString()
  @MinLength(1)
  @MaxLength(SOCIAL_ACCOUNT_LIMITS.displayName)
  @NoControlCharacters(true)
  display_name: string;

  @ApiProperty({
    example: '1234567890',
    description: 'The account’s id on the platform; unique per platform within the workspace.',
    maxLength: SOCIAL_ACCOUNT_LIMITS.externalId,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(SOCIAL_ACCOUNT_LIMITS.externalId)
  @Matches(EXTERNAL_ID_PATTERN, { message: 'external_id must be printable ASCII without spaces' })
  external_id: string;

  @ApiPropertyOptional({ example: '@acme', nullable: true, type: String, maxLength: SOCIAL_ACCOUNT_LIMITS.handle })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SOCIAL_ACCOUNT_LIMITS.handle)
  @NoControlCharacters(true)
  handle?: string | null;

  @ApiPropertyOptional({ enum: SOCIAL_ACCOUNT_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(SOCIAL_ACCOUNT_STATUSES)
  status?: SocialAccountStatus;

  @ApiPropertyOptional({
    enum: ACCOUNT_CAPABILITIES,
    isArray: true,
    example: ['x_premium_long_posts'],
    description: 'Account facts that lift a platform limit; each must apply to the platform.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ACCOUNT_CAPABILITIES.length)
  @IsIn(ACCOUNT_CAPABILITIES, { each: true })
  capabilities?: AccountCapability[];
}
