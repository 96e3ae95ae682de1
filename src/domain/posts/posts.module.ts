import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DraftsModule } from '../drafts/drafts.module';
import { MediaModule } from '../media/media.module';
import { SocialAccountsModule } from '../social-accounts/social-accounts.module';
import { PurgeTrashedPostsJob } from './jobs/purge-trashed-posts.job';
import { PostCreationService } from './post-creation.service';
import { PostTargetEntity } from './post-target.entity';
import { PostTrashService } from './post-trash.service';
import { PostTrashTools } from './post-trash.tools';
import { PostValidationService } from './post-validation.service';
import { PostValidationTools } from './post-validation.tools';
import { PostEntity } from './post.entity';
import { PostsController } from './posts.controller';
import { PostsRepository } from './posts.repository';
import { PostsService } from './posts.service';
import { PostsTools } from './posts.tools';
import { PostPublishingTools } from './publishing/post-publishing.tools';
import { PostSchedulingService } from './publishing/post-scheduling.service';
import { PublishRunnerModule } from './publishing/publish-runner.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([PostEntity, PostTargetEntity]),
    IdempotencyModule,
    CampaignsModule,
    DraftsModule,
    MediaModule,
    SocialAccountsModule,
    PublishRunnerModule,
  ],
  controllers: [PostsController, PostsTools, PostTrashTools, PostValidationTools, PostPublishingTools],
  providers: [
    PostsRepository,
    PostsService,
    PostCreationService,
    PostTrashService,
    PostValidationService,
    PurgeTrashedPostsJob,
    PostSchedulingService,
  ],
  exports: [PostsService],
})
export class PostsModule {}
