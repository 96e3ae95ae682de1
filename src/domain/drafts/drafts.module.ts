import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { MediaModule } from '../media/media.module';
import { SocialAccountsModule } from '../social-accounts/social-accounts.module';
import { DraftEntity } from './draft.entity';
import { DraftsController } from './drafts.controller';
import { DraftsRepository } from './drafts.repository';
import { ContentReferences } from './content-references.service';
import { DraftsService } from './drafts.service';
import { DraftsTools } from './drafts.tools';

@Module({
  imports: [
    TypeOrmModule.forFeature([DraftEntity]),
    IdempotencyModule,
    CampaignsModule,
    MediaModule,
    SocialAccountsModule,
  ],
  controllers: [DraftsController, DraftsTools],
  providers: [DraftsService, DraftsRepository, ContentReferences],
  exports: [DraftsService, ContentReferences],
})
export class DraftsModule {}
