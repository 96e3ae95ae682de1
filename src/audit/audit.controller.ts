import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../access/actor';
import { CurrentActor } from '../access/current-actor.decorator';
import { RequireAuditAccess } from '../access/require-audit-access.decorator';
import { RequireRole } from '../access/require-role.decorator';
import { RequireScopes } from '../access/require-scopes.decorator';
import { AUDIT_EXPORT_COLUMNS, AuditQueryService } from './audit-query.service';
import { AuditExportDto, AuditQueryDto } from './dto/audit-query.dto';

const EXPORT_LIMIT = 100_000;

function csvCell(value: unknown): string {
  const text =
    value instanceof Date
      ? value.toISOString()
      : Array.isArray(value)
        ? value.join(' ')
        : typeof value === 'string' || typeof value === 'number'
          ? String(value)
          : '';
  // Quote everything and neutralise spreadsheet formulas, since exports get opened in spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Every route here reads the trail: admins, and only with a key created with audit_access. */
const AUDIT_ACCESS_NOTE =
  'Needs the admin role and an API key created with `audit_access: true`; any other key, however broad its ' +
  'scopes, is refused with 403 `forbidden` (and the refusal is audited).';

@ApiTags('audit')
@ApiBearerAuth()
@RequireAuditAccess()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @RequireScopes()
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Search the workspace audit trail (admins, keys with audit_access)',
    description: `Newest first. Pass next_cursor as cursor for the next page. ${AUDIT_ACCESS_NOTE}`,
  })
  @ApiOkResponse({ description: '{ items: AuditRecord[], next_cursor: string | null }' })
  list(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto) {
    return this.audit.page(actor, query);
  }

  @Get('export')
  @RequireScopes()
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Export the filtered audit trail as CSV or JSON Lines (admins, keys with audit_access)',
    description:
      `Newest first, at most ${EXPORT_LIMIT} records (or \`limit\`). When more match, the answer carries ` +
      `\`X-Next-Cursor\`: pass it as \`cursor\` (same filters) for the rest. Each record carries \`seq\`, ` +
      `\`prev_hash\` and \`hash\`: a kept copy shows a missing or reordered record by itself. ${AUDIT_ACCESS_NOTE}`,
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  async export(@CurrentActor() actor: Actor, @Query() query: AuditExportDto, @Res() res: Response): Promise<void> {
    const { format = 'jsonl', limit = EXPORT_LIMIT, ...filters } = query;
    const { items: rows, next_cursor: next } = await this.audit.page(actor, filters, limit);
    // Never cut silently: the caller is told where the rest begins.
    if (next) res.setHeader('X-Next-Cursor', next);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.${format}"`);
    if (format === 'csv') {
      res.type('text/csv');
      const lines = [
        AUDIT_EXPORT_COLUMNS.join(','),
        ...rows.map((r) => AUDIT_EXPORT_COLUMNS.map((c) => csvCell(r[c])).join(',')),
      ];
      res.send(`${lines.join('\r\n')}\r\n`);
    } else {
      res.type('application/x-ndjson');
      res.send(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
    }
  }
}
