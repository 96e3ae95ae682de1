#!/usr/bin/env node
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { Command, Option } from 'commander';
import { DataSource } from 'typeorm';
import { operatorActor, type Actor } from './access/actor';
import { ApiKeysService } from './access/api-keys/api-keys.service';
import { toApiKeyResponse } from './access/api-keys/dto/api-key.response';
import { KEY_STATUSES, type KeyStatus } from './access/api-keys/key-status';
import { AuditContext } from './audit/audit-context';
import { noteError } from './audit/audit-outcome';
import { AuditVerifier } from './audit/audit-verifier.service';
import { readAnchors, writeAnchors } from './audit/audit-anchor-file';
import { ROLES } from './access/roles';
import { BUNDLE_NAMES } from './access/scopes';
import { out, setInvocation, withServices } from './cli/cli-context';
import { parseBoolean, parseExpiry, parseList, readStdin } from './cli/cli-input';
import { AppError } from './common/app-error';
import { MAX_PAGE_SIZE } from './common/pagination';
import { ConfigError } from './config/config.errors';
import { toSocialAccountResponse } from './domain/social-accounts/dto/social-account.response';
import { SocialAccountsService } from './domain/social-accounts/social-accounts.service';
import type { UserStatus } from './domain/users/user.entity';
import { UsersService, type StatusChange } from './domain/users/users.service';
import { toWorkspaceResponse } from './domain/workspaces/dto/workspace.response';
import { WorkspacesService } from './domain/workspaces/workspaces.service';
import { PLATFORMS } from './publishing/rules/platforms';
import { ACCOUNT_CAPABILITIES } from './publishing/rules/rule-types';
import { serve } from './main';
import { work } from './worker';
import { VERSION } from './version';

const program = new Command('postern')
  .description('Postern operator CLI. Works whether or not the server is running.')
  .version(VERSION)
  .configureOutput({ writeErr: () => undefined })
  .exitOverride()
  .hook('preAction', (_root, action) => {
    const path: string[] = [];
    for (let c: Command | null = action; c && c.parent; c = c.parent) path.unshift(c.name());
    setInvocation(path, action.opts());
  });

const actor = operatorActor();

program
  .command('serve')
  .description('start the API, MCP endpoint and console')
  .action(() => serve());

program
  .command('worker')
  .description('consume the publishing queue only (needs REDIS_URL and DATABASE_URL)')
  .action(() => work());

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(() =>
    withServices(
      async (app) => {
        const ran = await app.get(DataSource).runMigrations({ transaction: 'each' });
        out(ran.length ? `applied: ${ran.map((m) => m.name).join(', ')}` : 'schema is up to date');
      },
      { requireCurrentSchema: false },
    ),
  );

/** A new option each time: commander keeps state on the options a command holds. */
const passwordOption = () =>
  new Option('--password <password>', 'password, at least 12 characters (visible in ps; prefer stdin)').conflicts(
    'passwordStdin',
  );

async function passwordFrom(o: { password?: string; passwordStdin?: boolean }): Promise<string> {
  const password = o.passwordStdin ? await readStdin() : o.password;
  if (!password) throw new AppError('validation_failed', 'give --password-stdin or --password');
  return password;
}

const user = program.command('user').description('manage user accounts');

/** `user create` and `user set-password`: an account by email, and a password read safely. */
function passwordCommand(
  name: string,
  description: string,
  run: (app: INestApplicationContext, email: string, password: string) => Promise<void>,
): void {
  user
    .command(name)
    .description(description)
    .requiredOption('--email <email>', 'login email')
    .addOption(passwordOption())
    .option('--password-stdin', 'read the password from standard input')
    .action(async (o: { email: string; password?: string; passwordStdin?: boolean }) => {
      const password = await passwordFrom(o);
      await withServices((app) => run(app, o.email, password));
    });
}

passwordCommand(
  'create',
  'create a user (password from --password-stdin, or --password for throwaway setups)',
  async (app, email, password) => {
    const created = await app.get(UsersService).create({ email, password });
    out(`created user ${created.email} (${created.id})`);
  },
);
user
  .command('list')
  .description('list user accounts and whether each is active or disabled')
  .option('--json', 'print JSON lines')
  .action((o: { json?: boolean }) =>
    withServices(async (app) => {
      for (const u of await app.get(UsersService).list()) {
        const row = { id: u.id, email: u.email, status: u.status, created_at: u.createdAt.toISOString() };
        out(o.json ? JSON.stringify(row) : `${u.email}  ${u.status.padEnd(8)}  ${u.id}`);
      }
    }),
  );

/** `user disable` and `user enable`: one status change, reported by `report`. */
function accountStatusCommand(
  name: string,
  status: UserStatus,
  description: string,
  report: (change: StatusChange) => void,
): void {
  user
    .command(name)
    .description(description)
    .requiredOption('--email <email>', 'login email')
    .action((o: { email: string }) =>
      withServices(async (app) => report(await app.get(UsersService).setStatus(o.email, status))),
    );
}

accountStatusCommand(
  'disable',
  'disabled',
  'stop an account at once: no sign-in, console sessions ended, its keys and agent connections refused',
  (change) => {
    if (!change.changed) return out(`${change.user.email} was already disabled`);
    const s = change.suspended;
    out(`disabled ${change.user.email}: ${change.sessionsEnded} console session(s) ended`);
    if (s && (s.keys || s.connections))
      out(
        `suspended while disabled: ${s.keys} API key(s) and ${s.connections} agent connection(s) it made ` +
          '(they work again if it is enabled; revoke them to end them)',
      );
    if (s?.queuedPosts)
      out(
        `still queued: ${s.queuedPosts} post(s) it created, with a network still to publish to ` +
          '(they belong to the workspace and will go out; have them reviewed)',
      );
    if (s?.soleOwnerOf.length)
      process.stderr.write(
        `warning: no other active owner in ${s.soleOwnerOf.join(', ')}; add one with \`postern member add\`\n`,
      );
  },
);
accountStatusCommand(
  'enable',
  'active',
  'let a disabled account sign in again; its unrevoked keys and agent connections work again',
  (change) => out(change.changed ? `enabled ${change.user.email}` : `${change.user.email} was already active`),
);
passwordCommand(
  'set-password',
  'set a new password (from --password-stdin) and end the account’s console sessions',
  async (app, email, password) => {
    const { user: changed, sessionsEnded } = await app.get(UsersService).setPassword(email, password);
    out(`new password set for ${changed.email}: ${sessionsEnded} console session(s) ended`);
  },
);

const workspace = program.command('workspace').description('manage workspaces');
workspace
  .command('create')
  .description('create a workspace, optionally with an owner')
  .requiredOption('--name <name>', 'display name')
  .option('--slug <slug>', 'URL-safe handle (default: from the name)')
  .option('--owner <email>', 'existing user who becomes its owner')
  .action((o: { name: string; slug?: string; owner?: string }) =>
    withServices(async (app) => {
      const ownerUserId = o.owner ? await userId(app.get(UsersService), o.owner) : undefined;
      const created = await app.get(WorkspacesService).create(actor, { name: o.name, slug: o.slug, ownerUserId });
      out(`created workspace ${created.slug} (${created.id})`);
    }),
  );

workspace
  .command('settings')
  .description('show or change a workspace’s time zone, draft-first policy and approval policy')
  .argument('<slug-or-id>', 'workspace')
  .option('--time-zone <name>', 'IANA time zone, e.g. Europe/Berlin')
  .option('--draft-first <true|false>', 'limit agent connections to drafts', parseBoolean)
  .option(
    '--require-approval-for <list>',
    'actions refused to agents and keys (approval_required): publish,schedule,delete, or none',
    (v: string) => (v.trim() === 'none' ? [] : parseList(v)),
  )
  .option(
    '--allow-self-approval <true|false>',
    'for approval requests (not available yet): let the user an agent acted for approve them',
    parseBoolean,
  )
  .action(
    (
      idOrSlug: string,
      o: { timeZone?: string; draftFirst?: boolean; requireApprovalFor?: string[]; allowSelfApproval?: boolean },
    ) =>
      withServices(async (app) => {
        const workspaces = app.get(WorkspacesService);
        const policy =
          o.requireApprovalFor !== undefined || o.allowSelfApproval !== undefined
            ? { require_approval_for: o.requireApprovalFor, allow_self_approval: o.allowSelfApproval }
            : undefined;
        const changing = o.timeZone !== undefined || o.draftFirst !== undefined || policy !== undefined;
        const ws = changing
          ? await workspaces.updateSettings(actor, idOrSlug, {
              time_zone: o.timeZone,
              draft_first: o.draftFirst,
              approval_policy: policy,
            })
          : await workspaces.resolve(idOrSlug);
        const view = toWorkspaceResponse(ws);
        out(`time zone:          ${view.time_zone ?? 'UTC (not set)'}`);
        out(`draft first:        ${view.draft_first}`);
        out(`approval required:  ${view.approval_policy.require_approval_for.join(', ') || 'none'}`);
        out(`self-approval:      ${view.approval_policy.allow_self_approval}`);
      }),
  );

const member = program.command('member').description('manage workspace members');
member
  .command('add')
  .description('give a user a role in a workspace')
  .requiredOption('--workspace <slug-or-id>', 'workspace')
  .requiredOption('--user <email>', 'user email')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
  .action((o: { workspace: string; user: string; role: string }) =>
    withServices(async (app) => {
      const workspaces = app.get(WorkspacesService);
      const ws = await workspaces.resolve(o.workspace);
      await workspaces.addMember(actor, ws.id, await userId(app.get(UsersService), o.user), o.role);
      out(`${o.user} is now ${o.role} of ${ws.slug}`);
    }),
  );

const key = program.command('key').description('manage API keys');
key
  .command('create')
  .description('create an API key; the secret is printed once')
  .requiredOption('--workspace <slug-or-id>', 'workspace the key is bound to')
  .requiredOption('--name <name>', 'a name to recognise it by')
  .requiredOption('--scopes <list>', `comma-separated scopes and/or bundles (${BUNDLE_NAMES.join(', ')})`, parseList)
  .option('--tools <list>', 'limit the key to these MCP tool names (each must be allowed by --scopes)', parseList)
  .option('--expires <when>', 'expiry: a date, a timestamp, or a span such as 90d', parseExpiry)
  .option('--created-by <email>', 'member whose current role caps the key (a demotion then limits it)')
  .option('--audit-access', 'let the key read the audit trail (--created-by, if given, must be an admin or owner)')
  .action(
    (o: {
      workspace: string;
      name: string;
      scopes: string[];
      tools?: string[];
      expires?: Date;
      createdBy?: string;
      auditAccess?: boolean;
    }) =>
      withServices(async (app) => {
        const ws = await app.get(WorkspacesService).resolve(o.workspace);
        const createdByUserId = o.createdBy ? await userId(app.get(UsersService), o.createdBy) : undefined;
        const { key: created, token } = await app.get(ApiKeysService).create(actor, {
          workspaceId: ws.id,
          name: o.name,
          scopes: o.scopes,
          toolAllowlist: o.tools,
          auditAccess: o.auditAccess,
          expiresAt: o.expires,
          createdByUserId,
        });
        process.stderr.write(
          `created key ${created.prefix} "${created.name}" for ${ws.slug}; store the secret now, it is not shown again:\n`,
        );
        out(token);
      }),
  );
key
  .command('list')
  .description('list the keys of a workspace (never their secrets)')
  .requiredOption('--workspace <slug-or-id>', 'workspace')
  .addOption(new Option('--status <status>', 'only keys with this status').choices(KEY_STATUSES))
  .option('--json', 'print JSON lines')
  .action((o: { workspace: string; status?: KeyStatus; json?: boolean }) =>
    withServices(async (app) => {
      const ws = await app.get(WorkspacesService).resolve(o.workspace);
      const keys = app.get(ApiKeysService);
      // Every key, newest first, read a page at a time.
      let cursor: string | undefined;
      do {
        const page = await keys.list(ws.id, { status: o.status, cursor, limit: MAX_PAGE_SIZE });
        for (const k of page.items) {
          const row = toApiKeyResponse(k);
          const audit = k.auditAccess ? '  +audit_access' : '';
          out(
            o.json
              ? JSON.stringify(row)
              : `${k.prefix}  ${row.status.padEnd(7)}  ${k.name}  [${k.scopes.join(' ')}]${audit}`,
          );
        }
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    }),
  );
key
  .command('revoke')
  .description('revoke a key at once')
  .requiredOption('--workspace <slug-or-id>', 'workspace')
  .requiredOption('--key <id-or-prefix>', 'key id or its pst_… prefix')
  .action((o: { workspace: string; key: string }) =>
    withServices(async (app) => {
      const ws = await app.get(WorkspacesService).resolve(o.workspace);
      const revoked = await app.get(ApiKeysService).revoke(actor, ws.id, o.key);
      out(`revoked ${revoked.prefix} "${revoked.name}"`);
    }),
  );

const socialAccount = program
  .command('social-account')
  .description('register the social accounts posts can target (metadata; no credentials)');
socialAccount
  .command('add')
  .description('register an account’s metadata in a workspace')
  .requiredOption('--workspace <slug-or-id>', 'workspace')
  .addOption(new Option('--platform <platform>', 'platform').choices(PLATFORMS).makeOptionMandatory())
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--external-id <id>', 'the account’s id on the platform')
  .option('--handle <handle>', 'public handle, e.g. @acme')
  .option(
    '--capability <capability>',
    `a capability the account has, repeatable (${ACCOUNT_CAPABILITIES.join(', ')})`,
    (v: string, all: string[] = []) => [...all, v],
  )
  .action(
    (o: {
      workspace: string;
      platform: string;
      name: string;
      externalId: string;
      handle?: string;
      capability?: string[];
    }) =>
      withServices(async (app) => {
        const ws = await app.get(WorkspacesService).resolve(o.workspace);
        const account = await app.get(SocialAccountsService).register(inWorkspace(ws.id), {
          platform: o.platform,
          display_name: o.name,
          external_id: o.externalId,
          handle: o.handle,
          capabilities: o.capability,
        });
        out(`registered ${account.platform} account "${account.displayName}" in ${ws.slug} (${account.id})`);
      }),
  );
socialAccount
  .command('list')
  .description('list the social accounts of a workspace')
  .requiredOption('--workspace <slug-or-id>', 'workspace')
  .option('--json', 'print JSON lines')
  .action((o: { workspace: string; json?: boolean }) =>
    withServices(async (app) => {
      const ws = await app.get(WorkspacesService).resolve(o.workspace);
      const accounts = app.get(SocialAccountsService);
      let cursor: string | undefined;
      do {
        const page = await accounts.list(inWorkspace(ws.id), { cursor, limit: 100 });
        for (const a of page.items) {
          const row = toSocialAccountResponse(a);
          out(
            o.json
              ? JSON.stringify(row)
              : `${a.id}  ${a.platform.padEnd(9)}  ${a.status.padEnd(12)}  ${a.displayName}${a.handle ? ` (${a.handle})` : ''}`,
          );
        }
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    }),
  );

const audit = program.command('audit').description('the tamper-evident audit trail');
audit
  .command('verify')
  .description('recompute the hash chains and report the first broken link (exit 2 if any)')
  .option('--workspace <slug-or-id>', 'only this workspace’s chain')
  .option(
    '--anchor <file>',
    'check that every chain still reaches the heads saved in this file by an earlier run, then save the ' +
      'current heads to it (keep it where the database’s writers cannot reach)',
  )
  .action((o: { workspace?: string; anchor?: string }) =>
    withServices(
      async (app) => {
        const chain = o.workspace ? (await app.get(WorkspacesService).resolve(o.workspace)).id : undefined;
        const anchors = o.anchor ? await readAnchors(o.anchor) : undefined;
        if (o.anchor && !anchors) out(`no anchor file at ${o.anchor} yet: this run starts one`);
        const report = await app.get(AuditVerifier).verify(chain, anchors);
        if (!report.broken) {
          out(`ok: ${report.records} records in ${report.chains} chain(s) verified`);
          if (o.anchor) {
            // Merged into what the file holds: other chains' anchors (with --workspace) stay as they are.
            await writeAnchors(o.anchor, report.heads ?? []);
            const checked = (anchors ?? []).filter((a) => !chain || a.chain === chain).length;
            out(
              `${checked} anchored head(s) still in place; ${report.heads?.length ?? 0} head(s) saved to ${o.anchor}`,
            );
          }
          return;
        }
        const b = report.broken;
        const finding = `chain ${b.chain} at record ${b.seq}${b.id ? ` (id ${b.id})` : ''}: ${b.problem}`;
        out(`BROKEN: ${finding}`);
        out(`${report.records} records before it verified`);
        // The run was allowed and did its work; what it found is the trail's news, kept with its record.
        const draft = AuditContext.current();
        if (draft) {
          noteError(draft, 'audit_chain_broken', finding);
          draft.decision = 'allowed';
        }
        process.exitCode = 2;
      },
      { requireCurrentSchema: true, showUnrecorded: true },
    ),
  );

/** The operator acting inside one workspace, so workspace-bound services apply their usual rules. */
function inWorkspace(workspaceId: string): Actor {
  return { ...actor, workspaceId };
}

async function userId(users: UsersService, email: string): Promise<string> {
  const found = await users.findByEmail(email);
  if (!found) throw new AppError('not_found', `no user with email ${email}`);
  return found.id;
}

/** One line on stderr and a non-zero exit for any bad input; never a stack trace. */
function fail(err: unknown): never {
  const code = (err as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') process.exit(0);
  const message =
    err instanceof ConfigError
      ? err.problems.join('; ')
      : err instanceof AppError || (typeof code === 'string' && code.startsWith('commander.'))
        ? (err as Error).message.replace(/^error: /, '')
        : `${(err as Error).message ?? String(err)}`;
  const hint = typeof code === 'string' && code.startsWith('commander.') ? ' (see postern --help)' : '';
  process.stderr.write(`postern: ${message.split('\n')[0]}${hint}\n`);
  process.exit(1);
}

program.parseAsync(process.argv).catch(fail);
