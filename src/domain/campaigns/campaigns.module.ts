import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { CampaignEntity } from './campaign.entity';
import { CampaignsService } from './campaigns.service';

@Module({
  imports: [TypeOrmModule.forFeature([CampaignEntity]), IdempotencyModule],
  controllers: [],
  providers: [CampaignsService],
  exports: [CampaignsService],
})
export class CampaignsModule {}
