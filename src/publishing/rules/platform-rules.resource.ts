import { Payload } from '@nestjs/microservices';
import { McpController, ResourceTemplate } from '@rekog/mcp-nest';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { AppError } from '../../common/app-error';
import { jsonResource } from '../../mcp/json-resource';
import { PLATFORM_RULE_REGISTRY } from './platform-rules';
import { isPlatform, PLATFORM_NAMES, PLATFORMS } from './platforms';
import { rulesFor } from './validate-post';

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The registry's data with snake_case keys, as every other Postern response is written. */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [snake(k), snakeKeys(v)]));
}

/** What one platform accepts in a post, with where each limit comes from: the same rules validation applies. */
export function platformRulesDocument(platform: string) {
  if (!isPlatform(platform))
    throw new AppError(
      'not_found',
      `no rules for platform ${JSON.stringify(platform)}; platforms: ${PLATFORMS.join(', ')}`,
    );
  return {
    platform,
    platform_name: PLATFORM_NAMES[platform],
    registry_version: PLATFORM_RULE_REGISTRY.version,
    rules: rulesFor(platform).map(snakeKeys),
  };
}

@McpController()
export class PlatformRulesResource {
  @ResourceTemplate({
    uriTemplate: 'postern://rules/{platform}',
    name: 'platform-rules',
    description:
      `What one platform accepts in a post (text length and how it is counted, media count and kinds, required ` +
      `fields), with each rule's id, source citations, last-verified date and the registry version. Drafts and ` +
      `posts are checked against exactly these rules. Platforms: ${PLATFORMS.join(', ')}.`,
    mimeType: 'application/json',
  })
  @RequireScopes()
  read(@Payload() params: { uri: string; platform: string }) {
    return jsonResource(params.uri, platformRulesDocument(params.platform));
  }
}
