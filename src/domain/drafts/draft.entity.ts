import { Column, CreateDateColumn, DeleteDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PlatformOverrides } from '../posts/content-fields';

/** Content for people to review and collaborate on; never published as such (a post is made from it). */
@Entity('drafts')
export class DraftEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'text', nullable: true }) title: string | null;
  @Column({ type: 'text', nullable: true }) link: string | null;
  /** Per-platform variants of text, title and link. */
  @Column({ type: 'jsonb' }) variants: PlatformOverrides;
  @Column({ name: 'media_ids', type: 'uuid', array: true }) mediaIds: string[];
  @Column({ name: 'social_account_ids', type: 'uuid', array: true }) socialAccountIds: string[];
  @Column({ name: 'campaign_id', type: 'uuid', nullable: true }) campaignId: string | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  @Column({ name: 'author_user_id', type: 'uuid', nullable: true }) authorUserId: string | null;
  @Column({ name: 'author_client_id', type: 'text', nullable: true }) authorClientId: string | null;
  @Column({ name: 'author_key_id', type: 'uuid', nullable: true }) authorKeyId: string | null;
  @Column({ type: 'integer' }) version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' }) deletedAt: Date | null;
}
