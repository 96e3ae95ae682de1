import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MembershipEntity } from './membership.entity';
import { WorkspaceEntity } from './workspace.entity';
import { WorkspaceResource } from './workspace.resource';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';
import { WorkspacesTools } from './workspaces.tools';

@Module({
  imports: [TypeOrmModule.forFeature([WorkspaceEntity, MembershipEntity])],
  controllers: [WorkspacesController, WorkspacesTools, WorkspaceResource],
  providers: [WorkspacesService],
  exports: [WorkspacesService],
})
export class WorkspacesModule {}
