import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiKeyEntity } from '../api-key.entity';
import { KEY_STATUSES, keyStatus, type KeyStatus } from '../key-status';

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'pst_1a2b3c4d5e6f', description: 'Public part of the key; safe to show and log.' })
  prefix: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: KEY_STATUSES }) status: KeyStatus;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiPropertyOptional({ type: [String], nullable: true }) tools: string[] | null;
  @ApiProperty({ description: 'Whether the key may read the audit trail; set at creation only.' })
  audit_access: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) expires_at: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) last_used_at: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) created_by_user_id: string | null;
  @ApiProperty() created_at: string;
}

export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'The secret key. Shown only in this response; store it now.' }) secret: string;
}

export class ApiKeyPageResponse {
  @ApiProperty({ type: [ApiKeyResponse] }) items: ApiKeyResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last.' })
  next_cursor: string | null;
}

export function toApiKeyResponse(k: ApiKeyEntity): ApiKeyResponse {
  return {
    id: k.id,
    prefix: k.prefix,
    name: k.name,
    status: keyStatus(k),
    scopes: k.scopes,
    tools: k.toolAllowlist,
    audit_access: k.auditAccess,
    expires_at: k.expiresAt?.toISOString() ?? null,
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    created_by_user_id: k.createdByUserId,
    created_at: k.createdAt.toISOString(),
  };
}
