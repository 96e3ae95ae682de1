import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsIsoTimestamp, IsRecordId } from '../../common/validation/validators.decorator';

export const DECISIONS = ['allowed', 'denied', 'invalid', 'failed'] as const;

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'User id or API key id of the caller.', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actor?: string;

  @ApiPropertyOptional({
    description: 'OAuth client id of the AI client that made the call (as the connection lists it).',
    example: 'https://client.example.com/metadata.json',
  })
  @IsOptional()
  @MaxLength(500)
  @Matches(/^[\x21-\x7e]+$/, { message: 'client must be printable ASCII without spaces' })
  client?: string;

  @ApiPropertyOptional({
    description: 'Tool name or route, matched as a substring of the operation.',
    example: 'list_workspaces',
  })
  @IsOptional()
  @MaxLength(200)
  @Matches(/^[\w:/{}. -]+$/, { message: 'tool may contain letters, digits and :/{}. -' })
  tool?: string;

  @ApiPropertyOptional({ enum: DECISIONS })
  @IsOptional()
  @IsIn(DECISIONS)
  decision?: (typeof DECISIONS)[number];

  @ApiPropertyOptional({
    description: 'Inclusive lower bound, ISO 8601 with an offset or Z.',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsIsoTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'Exclusive upper bound, ISO 8601 with an offset or Z.' })
  @IsOptional()
  @IsIsoTimestamp()
  to?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page’s next_cursor.' })
  @IsOptional()
  @IsRecordId()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/** The most records one export answers; X-Next-Cursor then says where the rest begins. */
export const EXPORT_LIMIT = 100_000;

export class AuditExportDto extends AuditQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: EXPORT_LIMIT, default: EXPORT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(EXPORT_LIMIT)
  declare limit?: number;

  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'jsonl' })
  @IsOptional()
  @IsIn(['csv', 'jsonl'])
  format?: 'csv' | 'jsonl';
}
