import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import type { WorkspaceEntity } from '../workspace.entity';
import { APPROVAL_ACTIONS, resolveSettings, type ApprovalAction } from '../workspace-settings';

export class ApprovalPolicyResponse {
  @ApiProperty({
    enum: APPROVAL_ACTIONS,
    isArray: true,
    example: [...APPROVAL_ACTIONS],
    description:
      'Actions no agent or API key may take in this workspace: such a call is refused with 403 `approval_required` ' +
      'and nothing is done (approval requests are not available yet). Changed on the host: `postern workspace settings`.',
  })
  require_approval_for: ApprovalAction[];
  @ApiProperty({
    example: false,
    description:
      'For approval requests, which this server does not offer yet: whether the user an agent acted for may approve ' +
      'its request. No effect today.',
  })
  allow_self_approval: boolean;
}

export class WorkspaceResponse {
  @ApiProperty({ format: 'uuid', example: '6f1c2b7e-2d1a-4c55-9a53-0f1f0c8e4b11' }) id: string;
  @ApiProperty({ example: 'Acme Marketing' }) name: string;
  @ApiProperty({ example: 'acme-marketing' }) slug: string;
  @ApiProperty({ example: 'self-hosted' }) plan: string;
  @ApiProperty({ example: 'Europe/Berlin', nullable: true, type: String, description: 'IANA time zone; null is UTC.' })
  time_zone: string | null;
  @ApiProperty({
    description:
      'When true, agent connections (OAuth) may create drafts but not publish or schedule; API keys are not limited ' +
      'by it. Changed on the host: `postern workspace settings`.',
  })
  draft_first: boolean;
  @ApiProperty({ type: ApprovalPolicyResponse }) approval_policy: ApprovalPolicyResponse;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export const workspaceOutput = z.object({
  id: z.string().describe('Workspace id (UUID).'),
  name: z.string(),
  slug: z.string().describe('Short URL-safe handle; accepted wherever an id is.'),
  plan: z.string(),
  time_zone: z
    .string()
    .nullable()
    .describe('IANA time zone in which schedule times and campaign dates are read; null means UTC.'),
  draft_first: z.boolean().describe('When true, agent connections may create drafts but not publish or schedule.'),
  approval_policy: z
    .object({
      require_approval_for: z
        .array(z.enum(APPROVAL_ACTIONS))
        .describe(
          'Actions you (an agent or key) may not take here: the call is refused with approval_required and nothing ' +
            'is done. Tell the user; do not retry. Approval requests are not available yet.',
        ),
      allow_self_approval: z.boolean().describe('For approval requests, which are not available yet; no effect today.'),
    })
    .describe('What needs a person. No agent or key can change it; the operator changes it on the host.'),
  created_at: z.string().describe('ISO 8601, UTC.'),
  updated_at: z.string().describe('ISO 8601, UTC.'),
});

export function toWorkspaceResponse(w: WorkspaceEntity): WorkspaceResponse {
  const settings = resolveSettings(w.settings);
  return {
    id: w.id,
    name: w.name,
    slug: w.slug,
    plan: w.plan,
    time_zone: settings.timeZone,
    draft_first: settings.draftFirst,
    approval_policy: {
      require_approval_for: settings.approval.requireApprovalFor,
      allow_self_approval: settings.approval.allowSelfApproval,
    },
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}
