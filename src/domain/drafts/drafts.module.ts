import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { MediaModule } from '../media/media.module';
import { SocialAccountsModule } from '../social-accounts/social-accounts.module';
import { DraftEntity } from './draft.entity';
import { DraftsService } from './drafts.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([DraftEntity]),
    IdempotencyModule,
    CampaignsModule,
    MediaModule,
    SocialAccountsModule,
  ],
  controllers: [],
  providers: [DraftsService],
  exports: [DraftsService],
})
export class DraftsModule {}
