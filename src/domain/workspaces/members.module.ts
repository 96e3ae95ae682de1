import { Module } from '@nestjs/common';
import { OAuthModule } from '../../oauth/oauth.module';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { WorkspacesModule } from './workspaces.module';

/**
 * Managing members from inside a workspace. Apart from WorkspacesModule because removing a member
 * ends their AI client connections (OAuthModule, which itself needs WorkspacesModule), and the
 * operator CLI, which loads WorkspacesModule, runs without the authorization server.
 */
@Module({
  imports: [WorkspacesModule, OAuthModule],
  controllers: [MembersController],
  providers: [MembersService],
})
export class MembersModule {}
