/**
 * Every MCP tool name, for checking the tool list of a new API key. Written out because operator
 * commands run without the MCP modules, and importing every tool class here would tie the key
 * service to the whole domain. A meta-test holds this list to the tools the running app serves
 * (read from their @Tool metadata), so a tool added or renamed without it fails the build.
 */
export const TOOL_NAMES: ReadonlySet<string> = new Set([
  'cancel_post',
  'create_campaign',
  'create_draft',
  'create_post',
  'create_post_from_draft',
  'delete_campaign',
  'delete_draft',
  'delete_media',
  'delete_post',
  'get_campaign',
  'get_draft',
  'get_media',
  'get_post',
  'get_post_status',
  'get_social_account',
  'get_workspace',
  'list_campaigns',
  'list_drafts',
  'list_media',
  'list_posts',
  'list_social_accounts',
  'list_workspaces',
  'publish_post',
  'restore_post',
  'schedule_post',
  'update_campaign',
  'update_draft',
  'update_media',
  'update_post',
  'upload_media',
  'validate_post',
]);
