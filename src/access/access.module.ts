import { Module } from '@nestjs/common';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ScopesController } from './scopes.controller';
import { ScopesResource } from './scopes.resource';
import { WorkspaceBindings } from './workspace-binding';

@Module({
  imports: [ApiKeysModule],
  controllers: [ScopesController, ScopesResource],
  providers: [WorkspaceBindings],
  exports: [WorkspaceBindings],
})
export class AccessModule {}
