import type { Scope } from '../access/scopes';

/**
 * Every MCP tool with the scopes it requires, for checking the tool list of a new API key. Written
 * out because operator commands run without the MCP modules, and importing every tool class here
 * would tie the key service to the whole domain. A meta-test holds this table to the tools the
 * running app serves (read from their @Tool and @RequireScopes metadata), so a tool added, renamed
 * or given other scopes without it fails the build.
 */
export const TOOL_SCOPES: ReadonlyMap<string, readonly Scope[]> = new Map<string, readonly Scope[]>([
  ['cancel_post', ['posts:schedule']],
  ['create_campaign', ['campaigns:create']],
  ['create_draft', ['drafts:create']],
  ['create_post', ['posts:create']],
  ['create_post_from_draft', ['posts:create', 'drafts:read']],
  ['delete_campaign', ['campaigns:delete']],
  ['delete_draft', ['drafts:delete']],
  ['delete_media', ['media:delete']],
  ['delete_post', ['posts:delete']],
  ['get_campaign', ['campaigns:read']],
  ['get_draft', ['drafts:read']],
  ['get_media', ['media:read']],
  ['get_post', ['posts:read']],
  ['get_post_status', ['posts:status:read']],
  ['get_social_account', ['social_accounts:read']],
  ['get_workspace', ['workspace:read']],
  ['list_campaigns', ['campaigns:read']],
  ['list_drafts', ['drafts:read']],
  ['list_media', ['media:read']],
  ['list_posts', ['posts:read']],
  ['list_social_accounts', ['social_accounts:list']],
  ['list_workspaces', ['workspace:list']],
  ['publish_post', ['posts:publish']],
  ['restore_post', ['posts:update']],
  ['schedule_post', ['posts:schedule']],
  ['update_campaign', ['campaigns:update']],
  ['update_draft', ['drafts:update']],
  ['update_media', ['media:update']],
  ['update_post', ['posts:update']],
  ['upload_media', ['media:upload']],
  ['validate_post', ['posts:read']],
]);
