import { Injectable } from '@nestjs/common';
import type { Platform } from '../rules/platforms';
import type { PlatformConnector } from './platform-connector';

/**
 * The connectors this process can publish through, one per platform. This build ships none of its
 * own yet (platform connectors come with the platforms work), so scheduling and publishing refuse
 * targets on a platform without one instead of accepting work that could never run.
 */
@Injectable()
export class PlatformConnectors {
  private readonly byPlatform = new Map<Platform, PlatformConnector>();

  register(connector: PlatformConnector): void {
    this.byPlatform.set(connector.platform, connector);
  }

  for(platform: Platform): PlatformConnector | undefined {
    return this.byPlatform.get(platform);
  }
}
