import { SetMetadata } from '@nestjs/common';

export const REQUIRES_APPROVAL_KEY = 'postern:requires-approval';

export interface ApprovalOptions {
  /** Only bulk calls over this many targets need approval. */
  bulkThreshold?: number;
  /** Why a human should look, shown on the review page. */
  reason?: string;
}

/**
 * Marks a risky action (publish, schedule, delete, bulk) that an agent or key may only request: a
 * human approves, then Postern executes it once. Metadata for now; the approvals module enforces it.
 */
export const RequiresApproval = (options: ApprovalOptions = {}) => SetMetadata(REQUIRES_APPROVAL_KEY, options);
