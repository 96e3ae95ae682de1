import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import { CampaignEntity } from './campaign.entity';

@Injectable()
export class CampaignsService {
  /** A campaign content may be assigned to: in this workspace and not deleted; otherwise "not found". */
  async requireAssignable(
    m: EntityManager,
    workspaceId: string,
    id: string,
    field = 'campaign_id',
  ): Promise<CampaignEntity> {
    const campaign = await m.findOne(CampaignEntity, { where: { workspaceId, id } });
    if (!campaign) throw new AppError('not_found', 'campaign not found', [{ field, issue: 'not found' }]);
    return campaign;
  }
}
