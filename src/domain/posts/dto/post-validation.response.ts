import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { PLATFORMS, type Platform } from '../../../publishing/rules/platforms';

export class RuleViolationResponse {
  @ApiProperty({ example: 'x.text.max_length', description: 'Stable rule id: <platform>.<field>.<rule>.' })
  rule_id: string;
  @ApiProperty({ example: 'text', description: 'text, title, link, media, or media[i] for one item.' }) field: string;
  @ApiProperty({
    example: 'X allows 280 characters; this text has 312. Shorten it by 32, or split it into a thread.',
  })
  message: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }], example: 280 }) limit: number | string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }], example: 312 }) actual: number | string;
}

export class PlatformValidationResponse {
  @ApiProperty({ enum: PLATFORMS, example: 'x' }) platform: Platform;
  @ApiProperty({ example: false }) valid: boolean;
  @ApiProperty({ type: [RuleViolationResponse] }) violations: RuleViolationResponse[];
}

export class PostValidationResponse {
  @ApiProperty({ description: 'True when every platform checked accepts the content.', example: false })
  valid: boolean;
  @ApiProperty({ description: 'Version of the platform rules registry applied.', example: '2026-11-21.1' })
  registry_version: string;
  @ApiProperty({ type: [PlatformValidationResponse] }) results: PlatformValidationResponse[];
}

export const postValidationOutput = z.object({
  valid: z.boolean().describe('True when every platform checked accepts the content.'),
  registry_version: z.string().describe('Version of the platform rules registry that was applied.'),
  results: z
    .array(
      z.object({
        platform: z.enum(PLATFORMS),
        valid: z.boolean(),
        violations: z.array(
          z.object({
            rule_id: z.string().describe('Stable rule id, e.g. x.text.max_length.'),
            field: z.string().describe('text, title, link, media, or media[i].'),
            message: z.string().describe('What the limit is, what this content has, and what to change.'),
            limit: z.union([z.number(), z.string()]),
            actual: z.union([z.number(), z.string()]),
          }),
        ),
      }),
    )
    .describe('One entry per platform checked.'),
});
