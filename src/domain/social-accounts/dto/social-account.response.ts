import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { PLATFORMS, type Platform } from '../../../publishing/rules/platforms';
import { ACCOUNT_CAPABILITIES, type AccountCapability } from '../../../publishing/rules/rule-types';
import { SOCIAL_ACCOUNT_STATUSES, type SocialAccountEntity, type SocialAccountStatus } from '../social-account.entity';

export class SocialAccountResponse {
  @ApiProperty({ format: 'uuid', example: '0b6f3c1e-8f0e-4a7c-9d61-2f4b5a6c7d8e' }) id: string;
  @ApiProperty({ enum: PLATFORMS, example: 'x' }) platform: Platform;
  @ApiProperty({ example: 'Acme on X' }) display_name: string;
  @ApiProperty({ example: '@acme', nullable: true, type: String }) handle: string | null;
  @ApiProperty({ example: '1234567890', description: 'The account’s id on the platform.' }) external_id: string;
  @ApiProperty({ enum: SOCIAL_ACCOUNT_STATUSES, example: 'active' }) status: SocialAccountStatus;
  @ApiProperty({
    enum: ACCOUNT_CAPABILITIES,
    isArray: true,
    example: [],
    description: 'Account facts that lift a tier-dependent platform limit.',
  })
  capabilities: AccountCapability[];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export const socialAccountOutput = z.object({
  id: z.string().describe('Social account id (UUID); use it in social_account_ids when drafting or posting.'),
  platform: z.enum(PLATFORMS),
  display_name: z.string(),
  handle: z.string().nullable().describe('The public handle, e.g. @acme; null when the platform has none.'),
  external_id: z.string().describe('The account id on the platform itself.'),
  status: z
    .enum(SOCIAL_ACCOUNT_STATUSES)
    .describe('active: usable as a target; disconnected, needs_reauth, disabled: a human must act first.'),
  capabilities: z
    .array(z.enum(ACCOUNT_CAPABILITIES))
    .describe('Declared account facts that lift a platform limit, e.g. x_premium_long_posts (4,000 characters on X).'),
  created_at: z.string().describe('ISO 8601, UTC.'),
  updated_at: z.string().describe('ISO 8601, UTC.'),
});

export function toSocialAccountResponse(a: SocialAccountEntity): SocialAccountResponse {
  return {
    id: a.id,
    platform: a.platform,
    display_name: a.displayName,
    handle: a.handle,
    external_id: a.externalId,
    status: a.status,
    capabilities: [...a.capabilities],
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

export class SocialAccountPageResponse {
  @ApiProperty({ type: [SocialAccountResponse] }) items: SocialAccountResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last.' })
  next_cursor: string | null;
}
