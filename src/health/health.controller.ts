import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../access/public.decorator';
import { PUBLISHING_QUEUE, type PublishingQueue } from '../publishing/publishing-queue';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    @Optional() @Inject(PUBLISHING_QUEUE) private readonly queue?: PublishingQueue,
  ) {}

  /** The process is up; says nothing about its dependencies. */
  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** Ready to serve: the database answers and, when Redis is configured, so does the queue. */
  @Get('ready')
  @Public()
  @HealthCheck()
  ready() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 3000 }), () => this.queueCheck()]);
  }

  private async queueCheck(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('queue');
    if (!this.queue) return check.up({ kind: 'none' });
    try {
      await this.queue.ping();
      return check.up({ kind: this.queue.kind });
    } catch {
      return check.down({ kind: this.queue.kind });
    }
  }
}
