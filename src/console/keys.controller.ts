import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { workspaceOf, type Actor } from '../access/actor';
import { ApiKeysService } from '../access/api-keys/api-keys.service';
import { toApiKeyResponse } from '../access/api-keys/dto/api-key.response';
import { ConsoleSession } from '../access/console-session.decorator';
import { effectiveScopes } from '../access/effective-scopes';
import { roleAtLeast } from '../access/roles';
import { ALL_SCOPES, isBundleName } from '../access/scopes';
import { AuditContext } from '../audit/audit-context';
import { noteError } from '../audit/audit-outcome';
import { AppError } from '../common/app-error';
import { isCalendarDate } from '../common/validation/calendar-date';
import { WorkspacesService } from '../domain/workspaces/workspaces.service';
import { field, sessionOf } from './console-pages';
import { sendPage } from './html';
import { keysPage } from './pages/keys.page';

/** API keys for admins, in the browser: the same service and rules as the REST endpoints. */
@ApiExcludeController()
@Controller('console/keys')
export class KeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly workspaces: WorkspacesService,
  ) {}

  @Get()
  @ConsoleSession()
  async page(@Req() req: Request, @Res() res: Response): Promise<void> {
    const older = { workspace: field(req.query, 'workspace'), cursor: field(req.query, 'cursor') };
    try {
      await this.render(req, res, 200, {}, older.cursor ? older : undefined);
    } catch (err) {
      await this.renderRefusal(req, res, err);
    }
  }

  @Post()
  @ConsoleSession()
  async create(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const bundle = field(body, 'bundle');
    const expires = field(body, 'expires');
    const tools = field(body, 'tools')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    try {
      const actor = await this.adminActor(req, field(body, 'workspace'));
      if (!isBundleName(bundle)) throw new AppError('validation_failed', 'choose a bundle');
      if (expires && !isCalendarDate(expires)) throw new AppError('validation_failed', 'expiry must be a date');
      const { key, token } = await this.keys.create(actor, {
        workspaceId: workspaceOf(actor),
        name: field(body, 'name'),
        scopes: [bundle],
        toolAllowlist: tools.length ? tools : undefined,
        auditAccess: field(body, 'audit_access') === 'true',
        expiresAt: expires ? new Date(`${expires}T23:59:59.999Z`) : undefined,
        createdByUserId: actor.userId,
      });
      await this.render(req, res, 201, { created: { secret: token, name: key.name } });
    } catch (err) {
      await this.renderRefusal(req, res, err);
    }
  }

  @Post(':keyId/revoke')
  @ConsoleSession()
  async revoke(
    @Param('keyId', new ParseUUIDPipe()) keyId: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const actor = await this.adminActor(req, field(body, 'workspace'));
    await this.keys.revoke(actor, workspaceOf(actor), keyId);
    res.redirect(303, '/console/keys');
  }

  /** The signed-in person acting in one workspace where they are admin or owner, with that role's ceiling. */
  private async adminActor(req: Request, workspaceId: string): Promise<Actor> {
    const session = sessionOf(req);
    const workspace = (await this.workspaces.membershipsOf(session.userId)).find((w) => w.id === workspaceId);
    const draft = AuditContext.current();
    // A member's attempt, allowed or not, goes to that workspace's trail, where its admins look.
    if (workspace) AuditContext.concerns(workspaceId);
    if (!workspace || !roleAtLeast(workspace.role, 'admin')) {
      const reason = workspace ? `keys are managed by admins; this member is ${workspace.role}` : 'not a member';
      if (draft) Object.assign(draft, { decision: 'denied', reason });
      throw new AppError('not_found', 'workspace not found');
    }
    const scopes = effectiveScopes(ALL_SCOPES, workspace.role, 'user', { draftFirst: workspace.draftFirst });
    const actor: Actor = {
      kind: 'user',
      surface: 'console',
      userId: session.userId,
      workspaceId,
      role: workspace.role,
      grantedScopes: scopes,
      scopes,
    };
    if (draft) draft.actor = actor;
    return actor;
  }

  /** A refusal the person can act on, as the page with its message; anything else goes to the exception filter. */
  private async renderRefusal(req: Request, res: Response, err: unknown): Promise<void> {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    // Answered as a page, not through the exception filter: the record still takes the code.
    noteError(AuditContext.current(), err.code, err.message);
    await this.render(req, res, err.status, { error: err.message });
  }

  /** Each admin workspace's newest keys; `older`: that workspace's keys after the cursor instead. */
  private async render(
    req: Request,
    res: Response,
    status: number,
    extra: { created?: { secret: string; name: string }; error?: string } = {},
    older?: { workspace: string; cursor: string },
  ) {
    const session = sessionOf(req);
    const admin = (await this.workspaces.membershipsOf(session.userId)).filter((w) => roleAtLeast(w.role, 'admin'));
    const workspaces = await Promise.all(
      admin.map(async (w) => {
        const cursor = older?.workspace === w.id ? older.cursor : undefined;
        const page = await this.keys.list(w.id, { cursor });
        return {
          id: w.id,
          name: w.name,
          keys: page.items.map(toApiKeyResponse),
          older: cursor !== undefined,
          nextCursor: page.next_cursor,
        };
      }),
    );
    sendPage(res, status, 'API keys', keysPage({ csrf: session.csrf, workspaces, ...extra }));
  }
}
