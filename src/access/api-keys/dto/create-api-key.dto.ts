import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsIsoTimestamp } from '../../../common/validation/validators.decorator';
import { MAX_KEY_SCOPE_NAMES, MAX_KEY_TOOLS } from '../key-lists';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'claude-desktop', minLength: 1, maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\p{Cc}]+$/u, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({
    description: 'Scope names and/or bundle names; the union is granted.',
    example: ['ai-publishing-assistant'],
  })
  @IsString({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_KEY_SCOPE_NAMES)
  @MaxLength(40, { each: true })
  scopes: string[];

  @ApiPropertyOptional({
    description:
      'Limit the key to these MCP tools (names as in tools/list). An unknown name is refused, never ignored, ' +
      'and so is a tool that needs a scope the key is not granted (the error names the scopes). ' +
      `At most ${MAX_KEY_TOOLS}, each named once (a repeated name is refused). ` +
      'A key limited to tools cannot use the REST API.',
    example: ['list_workspaces'],
  })
  @IsOptional()
  @IsString({ each: true })
  @ArrayMaxSize(MAX_KEY_TOOLS)
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { each: true, message: 'tools must be tool names such as list_workspaces' })
  tools?: string[];

  @ApiPropertyOptional({
    description:
      'Let the key read the workspace audit trail (GET /api/v1/audit and /api/v1/audit/export). No scope grants ' +
      "that: without it, the audit routes refuse even an admin's or owner's key (403 forbidden). Only an admin or " +
      'owner may set it (insufficient_role otherwise), and a key may set it only if it was created with it ' +
      '(forbidden otherwise). Fixed at creation; default false.',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  audit_access?: boolean;

  @ApiPropertyOptional({
    description: 'ISO 8601 expiry with an offset or Z; must be in the future.',
    example: '2027-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsIsoTimestamp()
  expires_at?: string;
}
