import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../access/api-keys/api-keys.module';
import { UsersModule } from '../domain/users/users.module';
import { WorkspacesModule } from '../domain/workspaces/workspaces.module';
import { AccountController } from './account.controller';
import { ConsoleSessions } from './console-session.service';
import { ConsoleSignIn } from './console-sign-in.service';
import { InteractionController } from './interaction.controller';
import { KeysController } from './keys.controller';
import { PasswordController } from './password.controller';
import { PasswordChange } from './password-change.service';
import { LoginLimiter } from './login-limiter';

@Module({
  imports: [UsersModule, WorkspacesModule, ApiKeysModule],
  controllers: [InteractionController, AccountController, KeysController, PasswordController],
  providers: [ConsoleSessions, LoginLimiter, ConsoleSignIn, PasswordChange],
  exports: [ConsoleSessions],
})
export class ConsoleModule {}
