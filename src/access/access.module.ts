import { Module } from '@nestjs/common';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ScopesController } from './scopes.controller';
import { ScopesResource } from './scopes.resource';

@Module({
  imports: [ApiKeysModule],
  controllers: [ScopesController, ScopesResource],
})
export class AccessModule {}
