import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { PrivateTempDir } from '../../common/files/private-temp-dir';
import { APP_CONFIG, type AppConfig } from '../../config/config.types';

/** The largest file any source may bring: the cap of the largest kind of media. */
export const largestMediaCap = (config: AppConfig): number =>
  Math.max(config.media.maxImageBytes, config.media.maxVideoBytes);

/**
 * `DATA_DIR/tmp`, where uploads wait while they are checked: one `PrivateTempDir` for the multipart
 * receiver and the media service (which also sweeps it at start).
 */
@Module({
  providers: [
    {
      provide: PrivateTempDir,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new PrivateTempDir(path.join(config.dataDir, 'tmp')),
    },
  ],
  exports: [PrivateTempDir],
})
export class MediaTempDirModule {}
