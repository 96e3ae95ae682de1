import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Scope } from '../scopes';

/** A service identity bound to one workspace. Only a hash of the secret is kept. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @Column({ type: 'text' }) name: string;
  /** Public, non-secret part of the key, shown in lists and used to look the key up. */
  @Column({ type: 'text' }) prefix: string;
  @Column({ name: 'secret_hash', type: 'text' }) secretHash: string;
  @Column({ type: 'text', array: true }) scopes: Scope[];
  @Column({ name: 'tool_allowlist', type: 'text', array: true, nullable: true }) toolAllowlist: string[] | null;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  /** When a newer key took this expired key's name (names are unique among live keys only). */
  @Column({ name: 'name_released_at', type: 'timestamptz', nullable: true }) nameReleasedAt: Date | null;
  /** May read the workspace's audit trail. Set at creation and never changed; not a scope. */
  @Column({ name: 'audit_access', type: 'boolean', default: false }) auditAccess: boolean;
  @Column({ name: 'created_by_user_id', type: 'uuid', nullable: true }) createdByUserId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' }) createdAt: Date;
}
