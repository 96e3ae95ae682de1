import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DraftsModule } from '../drafts/drafts.module';
import { MediaModule } from '../media/media.module';
import { SocialAccountsModule } from '../social-accounts/social-accounts.module';
import { PostTargetEntity } from './post-target.entity';
import { PostEntity } from './post.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([PostEntity, PostTargetEntity]),
    IdempotencyModule,
    CampaignsModule,
    DraftsModule,
    MediaModule,
    SocialAccountsModule,
  ],
  controllers: [],
  providers: [],
})
export class PostsModule {}
