import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../access/actor';
import { CurrentActor } from '../access/current-actor.decorator';
import { RequireAuditAccess } from '../access/require-audit-access.decorator';
import { RequireRole } from '../access/require-role.decorator';
import { RequireScopes } from '../access/require-scopes.decorator';
import { AUDIT_EXPORT_COLUMNS, AuditQueryService, type AuditRow } from './audit-query.service';
import { AuditedStreams } from './audited-streams.service';
import { AuditExportDto, AuditQueryDto, EXPORT_LIMIT } from './dto/audit-query.dto';

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
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly audit: AuditQueryService,
    private readonly streams: AuditedStreams,
  ) {}

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
    const span = await this.audit.span(actor, filters, limit);
    const pages = span ? this.audit.rowsIn(actor, filters, span) : noRows();
    // Read before anything is committed or sent: a failure here is answered as any other.
    const first = await pages.next();
    // Up to EXPORT_LIMIT records cannot be held until the record commits, as other answers are.
    await this.streams.commitBeforeStreaming();
    // Never cut silently: the caller is told where the rest begins.
    if (span?.next) res.setHeader('X-Next-Cursor', span.next);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.${format}"`);
    res.type(format === 'csv' ? 'text/csv' : 'application/x-ndjson');
    const all = startingWith(first, pages);
    const body = format === 'csv' ? csvLines(all) : jsonLines(all);
    // A failure after the first byte drops the connection, so a cut export never looks whole.
    await pipeline(Readable.from(body), res).catch((err: unknown) =>
      this.logger.warn(`audit export ended early: ${(err as Error).message}`),
    );
  }
}

async function* noRows(): AsyncGenerator<AuditRow[]> {}

/** The pages of an export whose first page was read already. */
async function* startingWith(
  first: IteratorResult<AuditRow[]>,
  rest: AsyncGenerator<AuditRow[]>,
): AsyncGenerator<AuditRow[]> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}

async function* csvLines(pages: AsyncIterable<AuditRow[]>): AsyncGenerator<string> {
  yield `${AUDIT_EXPORT_COLUMNS.join(',')}\r\n`;
  for await (const rows of pages)
    yield rows.map((r) => `${AUDIT_EXPORT_COLUMNS.map((c) => csvCell(r[c])).join(',')}\r\n`).join('');
}

/**
 * One record per line. JSON leaves U+2028 and U+2029 unescaped, and readers that split on every
 * line terminator (Python's splitlines, some log shippers) would cut a record there: escaped here.
 */
async function* jsonLines(pages: AsyncIterable<AuditRow[]>): AsyncGenerator<string> {
  const line = (r: AuditRow) =>
    JSON.stringify(r).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  for await (const rows of pages) yield rows.map((r) => `${line(r)}\n`).join('');
}
