import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import { MediaAssetEntity } from './media-asset.entity';

@Injectable()
export class MediaService {
  /** The assets, in the order asked, for attaching to a draft or post; foreign or deleted ids are "not found". */
  async requireUsable(
    m: EntityManager,
    workspaceId: string,
    ids: readonly string[],
    field = 'media_ids',
  ): Promise<MediaAssetEntity[]> {
    if (!ids.length) return [];
    const found = await m.find(MediaAssetEntity, { where: { workspaceId, id: In([...ids]) } });
    const byId = new Map(found.map((a) => [a.id, a]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) {
      throw new AppError('not_found', `media not found: ${missing.join(', ')}`, [
        { field, issue: `not found: ${missing.join(', ')}` },
      ]);
    }
    return ids.map((id) => byId.get(id)!);
  }
}
