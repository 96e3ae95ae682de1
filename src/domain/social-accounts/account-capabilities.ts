import { PLATFORM_RULE_REGISTRY } from '../../publishing/rules/platform-rules';
import type { Platform } from '../../publishing/rules/platforms';
import type { AccountCapability } from '../../publishing/rules/rule-types';

/**
 * The platforms whose rules a capability lifts, read from the rule registry so the two cannot
 * drift: declaring `x_premium_long_posts` on a LinkedIn account would mean nothing, and is refused.
 */
export function platformsLiftedBy(capability: AccountCapability): Platform[] {
  const platforms = PLATFORM_RULE_REGISTRY.rules
    .filter((r) => r.check.kind === 'max_length' && r.check.raisedBy?.capability === capability)
    .map((r) => r.platform);
  return [...new Set(platforms)];
}
