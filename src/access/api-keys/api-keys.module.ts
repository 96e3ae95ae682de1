import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { AccessEpoch } from '../access-epoch';
import { ApiKeyLookup } from './api-key-lookup';
import { ApiKeysService } from './api-keys.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity])],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyLookup, AccessEpoch],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
