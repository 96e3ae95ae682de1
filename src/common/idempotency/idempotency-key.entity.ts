import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The first result of a create call made with an idempotency key. */
@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @PrimaryColumn({ type: 'text' }) principal: string;
  @PrimaryColumn({ type: 'text' }) key: string;
  @Column({ type: 'text' }) operation: string;
  @Column({ name: 'request_digest', type: 'text' }) requestDigest: string;
  @Column({ type: 'jsonb' }) response: unknown;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
