import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { ApprovalAction } from '../domain/workspaces/workspace-settings';

export const REQUIRES_APPROVAL_KEY = 'postern:requires-approval';

export interface ApprovalOptions {
  /** Which of the workspace policy's actions this is; the policy decides whether it needs approval. */
  action: ApprovalAction;
  /** Only bulk calls over this many targets need approval. */
  bulkThreshold?: number;
  /** Why a human should look, shown on the review page. */
  reason?: string;
}

/**
 * Marks a risky action (publish, schedule, delete, bulk) that an agent or key may only request when
 * the workspace policy says so: a human approves, then Postern executes it once. Until approval
 * requests exist, the approval guard refuses such calls outright (fail closed).
 */
export const RequiresApproval = (options: ApprovalOptions) =>
  applyDecorators(
    SetMetadata(REQUIRES_APPROVAL_KEY, options),
    // The OpenAPI text follows the metadata, so no route can leave the refusal out.
    ApiForbiddenResponse({
      description:
        `\`approval_required\` when the workspace policy reserves ${options.action} for a person (it does by default ` +
        'for API keys and agents): nothing is done. Also `insufficient_scope`, `insufficient_role` or `forbidden`.',
    }),
  );
