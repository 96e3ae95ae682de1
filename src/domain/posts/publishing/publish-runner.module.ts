import { Module } from '@nestjs/common';
import { PublishRunner } from './publish-runner.service';
import { WorkerChanges } from './worker-changes';

/**
 * The publish runner on its own, so the API and a separate `postern worker` run the same code.
 * Needs the global audit and publishing modules.
 */
@Module({
  providers: [PublishRunner, WorkerChanges],
  exports: [PublishRunner],
})
export class PublishRunnerModule {}
