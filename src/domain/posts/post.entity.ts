import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { PlatformOverrides } from './content-fields';
import type { PostStatus } from './post-status';
import { PostTargetEntity } from './post-target.entity';

/** A post, created from scratch or from a draft, aimed at one or more social accounts (its targets). */
@Entity('posts')
export class PostEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'text', nullable: true }) title: string | null;
  @Column({ type: 'text', nullable: true }) link: string | null;
  /** Per-platform variants of text, title and link (the column keeps its first name). */
  @Column({ name: 'overrides', type: 'jsonb' }) variants: PlatformOverrides;
  @Column({ name: 'media_ids', type: 'uuid', array: true }) mediaIds: string[];
  @Column({ name: 'campaign_id', type: 'uuid', nullable: true }) campaignId: string | null;
  @Column({ name: 'draft_id', type: 'uuid', nullable: true }) draftId: string | null;
  @Column({ type: 'text' }) status: PostStatus;
  @Column({ type: 'integer' }) version: number;
  /** When the post is (or was) due to go out; null until it is scheduled or published. */
  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true }) scheduledAt: Date | null;
  @Column({ name: 'created_by_user_id', type: 'uuid', nullable: true }) createdByUserId: string | null;
  @Column({ name: 'created_by_client_id', type: 'text', nullable: true }) createdByClientId: string | null;
  @Column({ name: 'created_by_key_id', type: 'uuid', nullable: true }) createdByKeyId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  /** Set when trashed; restorable for 30 days, then purged. */
  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' }) deletedAt: Date | null;
  @OneToMany(() => PostTargetEntity, (t) => t.post) targets: PostTargetEntity[];
}
