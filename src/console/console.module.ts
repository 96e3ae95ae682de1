import { Module } from '@nestjs/common';
import { UsersModule } from '../domain/users/users.module';
import { AccountController } from './account.controller';
import { ConsoleSessions } from './console-session.service';
import { InteractionController } from './interaction.controller';
import { LoginLimiter } from './login-limiter';

@Module({
  imports: [UsersModule],
  controllers: [InteractionController, AccountController],
  providers: [ConsoleSessions, LoginLimiter],
  exports: [ConsoleSessions],
})
export class ConsoleModule {}
