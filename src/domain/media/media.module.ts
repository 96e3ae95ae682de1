import { Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrivateTempDir } from '../../common/files/private-temp-dir';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { APP_CONFIG, type AppConfig } from '../../config/config.types';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { MediaAssetEntity } from './media-asset.entity';
import { MediaController } from './media.controller';
import { MediaFetchService } from './media-fetch.service';
import { largestMediaCap, MediaTempDirModule } from './media-temp-dir.module';
import { UploadSlots } from './upload-slots.interceptor';
import { MediaService } from './media.service';
import { MediaTools } from './media.tools';
import { createMediaStorage } from './storage/create-media-storage';
import { MEDIA_STORAGE, type MediaStorage } from './storage/media-storage';
import { S3MediaStorage } from './storage/s3-media-storage';
import { TempFileStorageEngine } from './temp-file-storage-engine';

/** Text fields of an upload form beside the file: the metadata fields and a little room. */
const MAX_FORM_FIELDS = 30;

@Module({
  imports: [
    TypeOrmModule.forFeature([MediaAssetEntity]),
    IdempotencyModule,
    CampaignsModule,
    MediaTempDirModule,
    // One file, at most the largest kind's cap (the service then applies the cap of its kind); the
    // text fields are bounded in number and size. The file is streamed to a private temporary file
    // under DATA_DIR/tmp, cut at the cap, never held in memory.
    MulterModule.registerAsync({
      imports: [MediaTempDirModule],
      inject: [APP_CONFIG, PrivateTempDir],
      useFactory: (config: AppConfig, temp: PrivateTempDir) => ({
        storage: new TempFileStorageEngine(temp, largestMediaCap(config)),
        // A part's file name as browsers and curl send it: UTF-8 bytes in `filename="…"`. Multer's
        // default reads them as latin1, storing "Café.png" as "CafÃ©.png" and refusing "写真.png" for
        // the control characters that decoding made of it. (`filename*=` names its charset and is
        // read either way.)
        defParamCharset: 'utf8',
        limits: {
          files: 1,
          fileSize: largestMediaCap(config),
          fields: MAX_FORM_FIELDS,
          fieldSize: 8 * 1024,
          parts: MAX_FORM_FIELDS + 1,
          headerPairs: 100,
        },
      }),
    }),
  ],
  controllers: [MediaController, MediaTools],
  providers: [
    UploadSlots,
    MediaService,
    MediaFetchService,
    { provide: MEDIA_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createMediaStorage(config) },
  ],
  exports: [MediaService],
})
export class MediaModule implements OnApplicationShutdown {
  constructor(@Inject(MEDIA_STORAGE) private readonly storage: MediaStorage) {}

  onApplicationShutdown(): void {
    if (this.storage instanceof S3MediaStorage) this.storage.destroy();
  }
}
