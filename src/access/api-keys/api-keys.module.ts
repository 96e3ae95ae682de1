import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { AccessEpochModule } from '../access-epoch.module';
import { ApiKeyLookup } from './api-key-lookup';
import { ApiKeysService } from './api-keys.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity]), AccessEpochModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyLookup],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
