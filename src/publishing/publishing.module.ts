import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.types';
import { BullmqPublishingQueue, PublishingHandlerSlot, PublishingProcessor } from './bullmq-publishing-queue';
import { PlatformConnectors } from './connectors/platform-connectors';
import { InProcessPublishingQueue } from './in-process-publishing-queue';
import { PUBLISHING_QUEUE, PUBLISHING_QUEUE_NAME } from './publishing-queue';

/** Chooses the queue adapter from config: BullMQ when REDIS_URL is set, in-process otherwise. */
@Global()
@Module({})
export class PublishingModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.redisUrl) {
      return {
        module: PublishingModule,
        providers: [{ provide: PUBLISHING_QUEUE, useClass: InProcessPublishingQueue }, PlatformConnectors],
        exports: [PUBLISHING_QUEUE, PlatformConnectors],
      };
    }
    return {
      module: PublishingModule,
      imports: [
        BullModule.forRoot({ connection: { url: config.redisUrl, maxRetriesPerRequest: null }, prefix: 'postern' }),
        BullModule.registerQueue({ name: PUBLISHING_QUEUE_NAME }),
      ],
      providers: [
        PublishingHandlerSlot,
        PublishingProcessor,
        { provide: PUBLISHING_QUEUE, useClass: BullmqPublishingQueue },
        PlatformConnectors,
      ],
      exports: [PUBLISHING_QUEUE, PlatformConnectors],
    };
  }
}
