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
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @ManyToOne(() => PostEntity, (p) => p.targets) @JoinColumn({ name: 'post_id' }) post: PostEntity;
}
