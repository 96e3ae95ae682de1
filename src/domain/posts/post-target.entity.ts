import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { PostStatus } from './post-status';
import { PostEntity } from './post.entity';

/** One post going to one social account; each target carries its own status once publishing starts. */
@Entity('post_targets')
export class PostTargetEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @Column({ name: 'post_id', type: 'uuid' }) postId: string;
  @Column({ name: 'social_account_id', type: 'uuid' }) socialAccountId: string;
  @Column({ type: 'text' }) status: PostStatus;
  /** When this target is due; set by scheduling or publishing, kept for the record afterwards. */
  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true }) scheduledAt: Date | null;
  /** Publish attempts started (a retry after a confirmed non-publish counts again). */
  @Column({ type: 'integer', default: 0 }) attempts: number;
  /** While publishing: until when the process that claimed it holds it. */
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt: Date | null;
  /** Names the latest attempt; every later step of the runner must match it. */
  @Column({ name: 'claim_token', type: 'uuid', nullable: true }) claimToken: string | null;
  @Column({ name: 'external_id', type: 'text', nullable: true }) externalId: string | null;
  @Column({ name: 'external_url', type: 'text', nullable: true }) externalUrl: string | null;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @ManyToOne(() => PostEntity, (p) => p.targets) @JoinColumn({ name: 'post_id' }) post: PostEntity;
}
