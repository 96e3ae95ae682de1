import { Body, Controller, Get, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../access/public.decorator';
import { AppError } from '../../common/app-error';
import { APP_CONFIG, type AppConfig } from '../../config/config.types';
import { escapeHtml, sendPage } from '../html';
import { FIRST_KEY_BUNDLE, SetupService } from './setup.service';

interface SetupForm {
  token?: unknown;
  email?: unknown;
  password?: unknown;
  workspace_name?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The first-run page: reachable only with the one-time link printed at start-up. */
@ApiExcludeController()
@Controller('console/setup')
export class SetupController {
  constructor(
    private readonly setup: SetupService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  async form(@Query('token') token: unknown, @Res() res: Response): Promise<void> {
    if (!(await this.setup.tokenValid(str(token)))) return this.invalid(res);
    sendPage(res, 200, 'Set up Postern', this.formHtml(str(token)));
  }

  @Post()
  @Public()
  async submit(@Body() body: SetupForm, @Res() res: Response): Promise<void> {
    const token = str(body.token);
    if (!(await this.setup.tokenValid(token))) return this.invalid(res);
    const input = { email: str(body.email), password: str(body.password), workspaceName: str(body.workspace_name) };
    try {
      const result = await this.setup.complete(token, input);
      sendPage(res, 201, 'Postern is ready', this.doneHtml(result.email, result.workspaceSlug, result.apiKey));
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'setup_token_invalid') throw err;
      sendPage(res, 400, 'Set up Postern', this.formHtml(token, err.message, input.email, input.workspaceName));
    }
  }

  private invalid(res: Response): void {
    sendPage(
      res,
      404,
      'Setup unavailable',
      '<h1>Setup link not valid</h1><p>It has expired, been used, or Postern is already set up. Restart Postern on an empty database for a new link, or ask your administrator.</p>',
    );
  }

  private formHtml(token: string, error?: string, email = '', workspace = 'My workspace'): string {
    return `<h1>Set up Postern</h1><p class="muted">Create the owner account and your first workspace. This link works once.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/console/setup">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="email">Your email</label><input id="email" name="email" type="email" required maxlength="254" value="${escapeHtml(email)}" autocomplete="username">
<label for="password">Password (at least 12 characters)</label><input id="password" name="password" type="password" required minlength="12" autocomplete="new-password">
<label for="workspace_name">Workspace name</label><input id="workspace_name" name="workspace_name" required maxlength="100" value="${escapeHtml(workspace)}">
<button type="submit">Create owner and workspace</button></form>`;
  }

  private doneHtml(email: string, workspace: string, apiKey: string): string {
    const mcpUrl = `${this.config.publicUrl}/mcp`;
    const clientConfig = JSON.stringify(
      { mcpServers: { postern: { type: 'http', url: mcpUrl, headers: { Authorization: `Bearer ${apiKey}` } } } },
      null,
      2,
    );
    return `<h1>Postern is ready</h1><p>Owner <strong>${escapeHtml(email)}</strong>, workspace <strong>${escapeHtml(workspace)}</strong>.</p>
<p>Your first API key (bundle <code>${FIRST_KEY_BUNDLE}</code>). <strong>Copy it now: it is shown only once.</strong></p>
<pre id="api-key">${escapeHtml(apiKey)}</pre>
<p>MCP endpoint: <code>${escapeHtml(mcpUrl)}</code>. For Claude Code, Cursor and similar clients:</p>
<pre>${escapeHtml(clientConfig)}</pre>
<p class="muted">More keys: <code>npx postern key create --workspace ${escapeHtml(workspace)} --name NAME --scopes BUNDLE_OR_SCOPES</code></p>`;
  }
}
