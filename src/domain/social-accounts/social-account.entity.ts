import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Platform } from '../../publishing/rules/platforms';
import type { AccountCapability } from '../../publishing/rules/rule-types';

export const SOCIAL_ACCOUNT_STATUSES = ['active', 'disconnected', 'needs_reauth', 'disabled'] as const;
export type SocialAccountStatus = (typeof SOCIAL_ACCOUNT_STATUSES)[number];

/** A network account posts can target. Metadata only until the platforms issue connects credentials. */
@Entity('social_accounts')
export class SocialAccountEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @Column({ type: 'text' }) platform: Platform;
  @Column({ name: 'display_name', type: 'text' }) displayName: string;
  @Column({ type: 'text', nullable: true }) handle: string | null;
  @Column({ name: 'external_id', type: 'text' }) externalId: string;
  @Column({ type: 'text' }) status: SocialAccountStatus;
  @Column({ type: 'text', array: true }) capabilities: AccountCapability[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
