import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { NoControlCharacters } from '../../../common/validation/validators.decorator';
import { ACCOUNT_CAPABILITIES, type AccountCapability } from '../../../publishing/rules/rule-types';
import { SOCIAL_ACCOUNT_STATUSES, type SocialAccountStatus } from '../social-account.entity';
import { SOCIAL_ACCOUNT_LIMITS } from '../social-accounts.service';

/** What an admin may change about a registered account; platform and external_id are its identity. */
export class UpdateSocialAccountDto {
  @ApiPropertyOptional({ example: 'Acme (main)', maxLength: SOCIAL_ACCOUNT_LIMITS.displayName })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SOCIAL_ACCOUNT_LIMITS.displayName)
  @NoControlCharacters(true)
  display_name?: string;

  @ApiPropertyOptional({
    example: '@acme',
    nullable: true,
    type: String,
    maxLength: SOCIAL_ACCOUNT_LIMITS.handle,
    description: 'null clears it.',
  })
  @ValidateIf((o: UpdateSocialAccountDto) => o.handle !== null && o.handle !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(SOCIAL_ACCOUNT_LIMITS.handle)
  @NoControlCharacters(true)
  handle?: string | null;

  @ApiPropertyOptional({ enum: SOCIAL_ACCOUNT_STATUSES })
  @IsOptional()
  @IsIn(SOCIAL_ACCOUNT_STATUSES)
  status?: SocialAccountStatus;

  @ApiPropertyOptional({
    enum: ACCOUNT_CAPABILITIES,
    isArray: true,
    description: 'Replaces the declared capabilities; [] clears them.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ACCOUNT_CAPABILITIES.length)
  @IsIn(ACCOUNT_CAPABILITIES, { each: true })
  capabilities?: AccountCapability[];
}
