import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { CampaignEntity } from './campaign.entity';
import { CampaignResource } from './campaign.resource';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { CampaignsTools } from './campaigns.tools';

@Module({
  imports: [TypeOrmModule.forFeature([CampaignEntity]), IdempotencyModule],
  controllers: [CampaignsController, CampaignsTools, CampaignResource],
  providers: [CampaignsService, CampaignsRepository],
  exports: [CampaignsService],
})
export class CampaignsModule {}
