import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import { SocialAccountEntity } from './social-account.entity';

@Injectable()
export class SocialAccountsService {
  /**
   * The accounts, in the order asked, for use as targets. An id of another workspace is reported
   * exactly like one that does not exist.
   */
  async requireUsable(
    m: EntityManager,
    workspaceId: string,
    ids: readonly string[],
    field = 'social_account_ids',
  ): Promise<SocialAccountEntity[]> {
    if (!ids.length) return [];
    const found = await m.find(SocialAccountEntity, { where: { workspaceId, id: In([...ids]) } });
    const byId = new Map(found.map((a) => [a.id, a]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) {
      throw new AppError('not_found', `social account not found: ${missing.join(', ')}`, [
        { field, issue: `not found: ${missing.join(', ')}` },
      ]);
    }
    return ids.map((id) => byId.get(id)!);
  }
}
