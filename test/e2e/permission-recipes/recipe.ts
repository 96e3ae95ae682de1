import type { INestApplication } from '@nestjs/common';

/** The objects a recipe may point at, in the caller's own workspace or in another one. */
export interface World {
  workspaceId: string;
  keyId: string;
  memberId: string;
  /** Ids made by the recipe sets' `seed`, by name (`postId`, `campaignId`, …). */
  ids: Record<string, string>;
}

export interface Call {
  /** A REST call: a JSON body, or with `file`, a multipart form of `body`'s fields plus the file. */
  rest?: { method: string; path: string; body?: unknown; file?: { name: string; type: string; content: Buffer } };
  mcp?: { method: 'tools/call' | 'resources/read'; params: Record<string, unknown> };
  /** The transport itself, not an operation: only authentication applies. */
  transport?: true;
}

/** How to call one tool, resource or route (`own`: the caller's world; `target`: whose object to name). */
export type Recipe = (own: World, target: World) => Call;

/**
 * One domain's part of the permission matrix: how to make the objects its recipes need in a
 * workspace (run as the operator, audited), and a valid call for each of its tools and routes.
 */
export interface RecipeSet {
  seed?: (app: INestApplication, workspaceId: string) => Promise<Record<string, string>>;
  recipes: Record<string, Recipe>;
}

export const tool = (name: string, args: Record<string, unknown> = {}): Call => ({
  mcp: { method: 'tools/call', params: { name, arguments: args } },
});
export const resource = (uri: string): Call => ({ mcp: { method: 'resources/read', params: { uri } } });
export const rest = (method: string, path: string, body?: unknown): Call => ({ rest: { method, path, body } });
export const upload = (path: string, name: string, type: string, content: Buffer): Call => ({
  rest: { method: 'POST', path, file: { name, type, content } },
});
