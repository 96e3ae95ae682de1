import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { MediaAssetEntity } from './media-asset.entity';
import { MediaService } from './media.service';

@Module({
  imports: [TypeOrmModule.forFeature([MediaAssetEntity]), IdempotencyModule, CampaignsModule],
  controllers: [],
  providers: [MediaService],
  exports: [MediaService],
})
export class MediaModule {}
