import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageLimit } from '../../common/page-query.dto';
import { IsIsoTimestamp, IsRecordId } from '../../common/validation/validators.decorator';

export const DECISIONS = ['allowed', 'denied', 'invalid', 'failed'] as const;
/** The audit list's page sizes, larger than the other lists' (1–100, 25). */
export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;

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

  @PageLimit(AUDIT_PAGE_MAX, AUDIT_PAGE_DEFAULT)
  limit?: number;
}

/** The most records one export answers; X-Next-Cursor then says where the rest begins. */
export const EXPORT_LIMIT = 100_000;

export class AuditExportDto extends AuditQueryDto {
  @PageLimit(EXPORT_LIMIT, EXPORT_LIMIT)
  declare limit?: number;

  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'jsonl' })
  @IsOptional()
  @IsIn(['csv', 'jsonl'])
  format?: 'csv' | 'jsonl';
}
