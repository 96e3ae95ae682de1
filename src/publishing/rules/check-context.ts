import { PLATFORM_NAMES } from './platforms';
import type { AccountCapability, PlatformRule, PostContent, RuleCheck, RuleViolation } from './rule-types';

export type CheckOf<K extends RuleCheck['kind']> = Extract<RuleCheck, { kind: K }>;

/** What one check needs: the rule, its check (narrowed by kind), the content and the account's capabilities. */
export interface CheckContext<C extends RuleCheck = RuleCheck> {
  rule: PlatformRule;
  check: C;
  content: PostContent;
  capabilities: readonly AccountCapability[];
}

export function platformName(context: CheckContext): string {
  return PLATFORM_NAMES[context.rule.platform];
}

export function violation(
  context: CheckContext,
  fields: { field?: string; message: string; limit: number | string; actual: number | string },
): RuleViolation {
  return {
    ruleId: context.rule.id,
    platform: context.rule.platform,
    field: fields.field ?? context.rule.field,
    message: fields.message,
    limit: fields.limit,
    actual: fields.actual,
  };
}
