import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../../access/api-keys/api-keys.module';
import { UsersModule } from '../../domain/users/users.module';
import { WorkspacesModule } from '../../domain/workspaces/workspaces.module';
import { SetupController } from './setup.controller';
import { SetupService } from './setup.service';
import { SetupTokenEntity } from './setup-token.entity';

@Module({
  imports: [TypeOrmModule.forFeature([SetupTokenEntity]), UsersModule, WorkspacesModule, ApiKeysModule],
  controllers: [SetupController],
  providers: [SetupService],
  exports: [SetupService],
})
export class SetupModule {}
