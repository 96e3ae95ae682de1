import { Module } from '@nestjs/common';
import { PlatformRulesResource } from './platform-rules.resource';

/** Serves the platform rules registry to MCP clients as read-only resources. */
@Module({ controllers: [PlatformRulesResource] })
export class PlatformRulesModule {}
