import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { connectMcp } from './mcp-client';

/**
 * MCP calls and database checks for the content e2e tests (REST calls: ./rest-client). Each call
 * carries its own X-Request-Id, so the test can find the one audit record the call left.
 */
export interface ToolReply {
  requestId: string;
  /** structuredContent of a successful call. */
  data: any;
  /** The parsed error of a failed call. */
  error?: { code: string; message: string; details?: { field?: string; issue: string }[] };
}

export async function callTool(
  url: string,
  token: string,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolReply> {
  const requestId = `content-${randomUUID()}`;
  const client = await connectMcp(url, token, { 'x-request-id': requestId });
  try {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) {
      const text = (result.content as { text: string }[])[0].text;
      return { requestId, data: undefined, error: (JSON.parse(text) as { error: ToolReply['error'] }).error };
    }
    return { requestId, data: result.structuredContent };
  } finally {
    await client.close();
  }
}

/** The audit record of one call (for MCP, the tool call itself, not the session's other requests). */
export async function auditOf(
  db: DataSource,
  requestId: string,
): Promise<{ operation: string; decision: string; outcome: string; error_code: string | null }[]> {
  return db.query(
    `SELECT operation, decision, outcome, error_code FROM audit_records WHERE correlation_id = $1
        AND (surface <> 'mcp' OR operation LIKE 'mcp tools/call %')
      ORDER BY id`,
    [requestId],
  );
}

/**
 * The audit records one call left: a REST call, or an MCP tool call or resource read (not the
 * session's other requests).
 */
export function auditOfCall(
  db: DataSource,
  requestId: string,
): Promise<{ operation: string; decision: string; error_code: string | null }[]> {
  return db.query(
    `SELECT operation, decision, error_code FROM audit_records WHERE correlation_id = $1
        AND (surface <> 'mcp' OR operation LIKE 'mcp tools/call %' OR operation LIKE 'mcp resources/read %')
      ORDER BY id`,
    [requestId],
  );
}

/** Row counts and digests of the content tables in one workspace, to prove a refused call wrote nothing. */
export async function contentState(db: DataSource, workspaceId: string): Promise<Record<string, string>> {
  const [row] = await db.query<Record<string, string>[]>(
    `SELECT (SELECT count(*) FROM drafts WHERE workspace_id = $1) AS drafts,
            (SELECT count(*) FROM posts WHERE workspace_id = $1) AS posts,
            (SELECT count(*) FROM post_targets WHERE workspace_id = $1) AS post_targets,
            (SELECT md5(coalesce(string_agg(d::text, ',' ORDER BY d.id), '')) FROM drafts d WHERE workspace_id = $1) AS drafts_digest,
            (SELECT md5(coalesce(string_agg(p::text, ',' ORDER BY p.id), '')) FROM posts p WHERE workspace_id = $1) AS posts_digest,
            (SELECT count(*) FROM idempotency_keys WHERE workspace_id = $1) AS idempotency_keys`,
    [workspaceId],
  );
  return row;
}
