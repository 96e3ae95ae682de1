import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import type { WorkspaceEntity } from '../workspace.entity';

export class WorkspaceResponse {
  @ApiProperty({ format: 'uuid', example: '6f1c2b7e-2d1a-4c55-9a53-0f1f0c8e4b11' }) id: string;
  @ApiProperty({ example: 'Acme Marketing' }) name: string;
  @ApiProperty({ example: 'acme-marketing' }) slug: string;
  @ApiProperty({ example: 'self-hosted' }) plan: string;
  @ApiProperty({ example: 'Europe/Berlin', nullable: true, type: String }) time_zone: string | null;
  @ApiProperty({ description: 'New agent connections may only draft until an admin allows more.' })
  draft_first: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export const workspaceOutput = z.object({
  id: z.string().describe('Workspace id (UUID).'),
  name: z.string(),
  slug: z.string().describe('Short URL-safe handle; accepted wherever an id is.'),
  plan: z.string(),
  time_zone: z.string().nullable().describe('IANA time zone used for schedules; null means UTC.'),
  draft_first: z.boolean().describe('When true, new agent connections may create drafts but not publish or schedule.'),
  created_at: z.string().describe('ISO 8601, UTC.'),
});

export function toWorkspaceResponse(w: WorkspaceEntity): WorkspaceResponse {
  return {
    id: w.id,
    name: w.name,
    slug: w.slug,
    plan: w.plan,
    time_zone: w.settings.timeZone ?? null,
    draft_first: w.settings.draftFirst ?? true,
    created_at: w.createdAt.toISOString(),
  };
}
