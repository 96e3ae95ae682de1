import * as path from 'node:path';
import type { AppConfig } from '../../../config/config.types';
import { LocalMediaStorage } from './local-media-storage';
import type { MediaStorage } from './media-storage';
import { S3MediaStorage } from './s3-media-storage';

/** The storage the configuration names: `DATA_DIR/media` by default, or the S3 bucket. */
export function createMediaStorage(config: AppConfig): MediaStorage {
  if (config.media.storage === 's3') {
    if (!config.media.s3) throw new Error('MEDIA_STORAGE=s3 without S3 settings');
    return new S3MediaStorage(config.media.s3);
  }
  return new LocalMediaStorage(path.join(config.dataDir, 'media'));
}
