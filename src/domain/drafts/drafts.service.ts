import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { workspaceOf, type Actor } from '../../access/actor';
import { notFound } from '../../common/app-error';
import { DraftEntity } from './draft.entity';

@Injectable()
export class DraftsService {
  constructor(@InjectRepository(DraftEntity) private readonly drafts: Repository<DraftEntity>) {}

  /** A draft of the actor's workspace; another workspace's draft is "not found", like a missing one. */
  async get(actor: Actor, id: string): Promise<DraftEntity> {
    const draft = await this.drafts.findOne({ where: { workspaceId: workspaceOf(actor), id } });
    if (!draft) throw notFound('draft');
    return draft;
  }
}
