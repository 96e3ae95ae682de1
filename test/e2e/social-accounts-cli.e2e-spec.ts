import { randomBytes } from 'node:crypto';
import { buildWorkspace } from '../factories';
import { cleanEnv, runCli } from '../support/processes';
import { useTestApp } from '../support/test-app';
import { databaseUrl } from '../support/test-config';

/**
 * The operator registers a social account and sets the workspace policy from a shell, against the
 * running instance's database; each command is audited as the operator, under that workspace.
 */
describe('postern social-account and workspace settings', () => {
  jest.setTimeout(120_000);
  const env = cleanEnv({ DATABASE_URL: databaseUrl(), SECRET_KEY: randomBytes(32).toString('base64url') });
  const t = useTestApp();

  const records = (workspaceId: string, operation: string) =>
    t.db.query<{ actor_kind: string; outcome: string; surface: string }[]>(
      `SELECT actor_kind, outcome, surface FROM audit_records WHERE workspace_id = $1 AND operation = $2`,
      [workspaceId, operation],
    );

  it('registers an account and changes the settings, each audited under the workspace', async () => {
    const ws = await buildWorkspace(t.app);

    const added = await runCli(
      [
        'social-account',
        'add',
        '--workspace',
        ws.slug,
        '--platform',
        'x',
        '--name',
        'Acme on X',
        '--external-id',
        '1234567890',
        '--handle',
        '@acme',
        '--capability',
        'x_premium_long_posts',
      ],
      env,
    );
    expect([added.status, added.stderr]).toEqual([0, '']);
    expect(added.stdout).toMatch(new RegExp(`^registered x account "Acme on X" in ${ws.slug} \\([0-9a-f-]{36}\\)\\n$`));
    expect(
      await t.db.query(
        `SELECT platform, display_name, handle, external_id, status, capabilities FROM social_accounts WHERE workspace_id = $1`,
        [ws.id],
      ),
    ).toEqual([
      {
        platform: 'x',
        display_name: 'Acme on X',
        handle: '@acme',
        external_id: '1234567890',
        status: 'active',
        capabilities: ['x_premium_long_posts'],
      },
    ]);
    expect(await records(ws.id, 'cli social-account add')).toEqual([
      { actor_kind: 'operator', outcome: 'ok', surface: 'cli' },
    ]);

    const settings = await runCli(
      [
        'workspace',
        'settings',
        ws.slug,
        '--time-zone',
        'america/new_york',
        '--draft-first',
        'false',
        '--require-approval-for',
        'publish,delete',
        '--allow-self-approval',
        'true',
      ],
      env,
    );
    expect([settings.status, settings.stderr]).toEqual([0, '']);
    expect(settings.stdout.split('\n')).toEqual([
      'time zone:          America/New_York',
      'draft first:        false',
      'approval required:  publish, delete',
      'self-approval:      true',
      '',
    ]);
    const [row] = await t.db.query<{ settings: unknown }[]>(`SELECT settings FROM workspaces WHERE id = $1`, [ws.id]);
    expect(row.settings).toEqual({
      timeZone: 'America/New_York',
      draftFirst: false,
      approval: { requireApprovalFor: ['publish', 'delete'], allowSelfApproval: true },
    });
    expect(await records(ws.id, 'cli workspace settings')).toEqual([
      { actor_kind: 'operator', outcome: 'ok', surface: 'cli' },
    ]);
  });
});
