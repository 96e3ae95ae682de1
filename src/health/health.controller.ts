import { Controller, Get, Inject, Logger, Optional, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../access/public.decorator';
import { RepeatedErrorLog } from '../common/repeated-error-log';
import { notReadyReasons, readinessForAnyone } from './readiness-summary';
import { PUBLISHING_QUEUE, type PublishingQueue } from '../publishing/publishing-queue';

@ApiTags('health')
@Controller('health')
export class HealthController {
  /** Probes come every few seconds; why the server is not ready is logged once a minute. */
  private readonly notReady = new RepeatedErrorLog(new Logger('Health'), 'not ready');

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

  /**
   * Ready to serve: the database answers and, when Redis is configured, so does the queue. Not
   * ready is 503 with each dependency's status and kind, for the operator, and nothing more: what
   * a check says about a failure (a driver's message can name internal hosts and ports) is for the
   * log, not for anyone who asks.
   */
  @Get('ready')
  @Public()
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.db.pingCheck('database', { timeout: 3000 }), () => this.queueCheck()]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      this.notReady.error(notReadyReasons(result));
      res.status(503);
      return readinessForAnyone(result);
    }
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
