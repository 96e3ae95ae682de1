import { DataSource } from 'typeorm';
import { UsersService } from '../../src/domain/users/users.service';
import { OAuthConnectionsService } from '../../src/oauth/oauth-connections.service';
import { asOperator, buildWorkspaceWithKey } from '../factories';
import { useAppWithBrowser } from '../support/app-with-browser';
import { endsWithin, listen } from '../support/listen-stream';
import { codeExchangeBody, consentedCode, type TokenResponse } from '../support/oauth-consent';
import { tokenRequest } from '../support/oauth-protocol';

const PASSWORD = 'a long enough password';
/** Longest a stream may outlive its credential here: the re-check period and a margin for a busy machine. */
const END_WITHIN_MS = 10_000;

interface EndRow {
  decision: string;
  outcome: string;
  error_code: string;
  reason: string;
  workspace_id: string;
  user_id: string;
  client_id: string | null;
}

/**
 * Listen streams opened by an AI client with the access token of its agent connection (the other
 * streams file opens them with API keys): the same re-checks end them when the person revokes the
 * connection or is disabled, and the end is recorded in the workspace's trail.
 */
describe('MCP listen streams of an agent connection', () => {
  jest.setTimeout(120_000);
  const run = useAppWithBrowser();

  /** A person who owns a workspace, and the access token and grant of the client they connected. */
  async function connectedAgent() {
    const { t, browser } = run;
    const { user, workspace } = await buildWorkspaceWithKey(t.app);
    const consented = await consentedCode(browser, t.url, {
      email: user.email,
      password: PASSWORD,
      workspaceId: workspace.id,
    });
    const tokens = (await (await tokenRequest(t.url, codeExchangeBody(consented))).json()) as Required<TokenResponse>;
    const [{ grant_id }] = await t.app
      .get(DataSource)
      .query<{ grant_id: string }[]>(`SELECT grant_id FROM oauth_connections WHERE user_id = $1`, [user.id]);
    return { user, workspace, accessToken: tokens.access_token, grantId: grant_id };
  }

  /** The stream's end as its workspace's trail has it, waiting a moment for the record. */
  async function endRecord(requestId: string) {
    for (let i = 0; i < 50; i++) {
      const [row] = await run.t.app.get(DataSource).query<EndRow[]>(
        `SELECT decision, outcome, error_code, reason, workspace_id, user_id, client_id FROM audit_records
          WHERE correlation_id = $1 AND operation = 'mcp subscriptions/listen ended'`,
        [requestId],
      );
      if (row) return row;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }

  it('ends the stream soon after the person revokes the connection', async () => {
    const agent = await connectedAgent();
    const stream = await listen(run.t.url, agent.accessToken);
    try {
      expect([stream.res.status, stream.res.headers.get('content-type')]).toEqual([
        200,
        expect.stringContaining('text/event-stream'),
      ]);
      // Open, and left open: a connection in good standing is not ended by the checks.
      expect(await endsWithin(stream.ended, 4_000)).toBe(false);
      await asOperator('revoke connection', () =>
        run.t.app.get(OAuthConnectionsService).revoke(agent.user.id, agent.grantId),
      );
      expect(await endsWithin(stream.ended, END_WITHIN_MS)).toBe(true);
    } finally {
      stream.close();
    }
    expect(await endRecord(stream.requestId)).toEqual({
      decision: 'denied',
      outcome: 'error',
      error_code: 'unauthenticated',
      reason: 'credential no longer valid: the agent connection was revoked or its grant ended',
      workspace_id: agent.workspace.id,
      user_id: agent.user.id,
      client_id: expect.any(String),
    });
  });

  it('ends the stream soon after the person is disabled', async () => {
    const agent = await connectedAgent();
    const stream = await listen(run.t.url, agent.accessToken);
    try {
      expect(stream.res.status).toBe(200);
      await asOperator('user disable', () => run.t.app.get(UsersService).setStatus(agent.user.email, 'disabled'));
      expect(await endsWithin(stream.ended, END_WITHIN_MS)).toBe(true);
    } finally {
      stream.close();
    }
    expect(await endRecord(stream.requestId)).toMatchObject({
      decision: 'denied',
      reason: expect.stringMatching(/^credential no longer valid: /),
      workspace_id: agent.workspace.id,
      user_id: agent.user.id,
    });
  });
});
