import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MembershipEntity } from './membership.entity';
import { WorkspaceEntity } from './workspace.entity';
import { WorkspaceResource } from './workspace.resource';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';
import { WorkspacesTools } from './workspaces.tools';

@Module({
  imports: [TypeOrmModule.forFeature([WorkspaceEntity, MembershipEntity])],
  controllers: [WorkspacesController, WorkspacesTools, WorkspaceResource, MembersController],
  providers: [WorkspacesService, MembersService],
  exports: [WorkspacesService],
})
export class WorkspacesModule {}
