import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformRulesModule } from '../../publishing/rules/platform-rules.module';
import { SocialAccountEntity } from './social-account.entity';
import { SocialAccountResource } from './social-account.resource';
import { SocialAccountsController } from './social-accounts.controller';
import { SocialAccountsService } from './social-accounts.service';
import { SocialAccountsTools } from './social-accounts.tools';

@Module({
  // The platform rules (postern://rules/{platform}) are served with the accounts whose capabilities lift them.
  imports: [TypeOrmModule.forFeature([SocialAccountEntity]), PlatformRulesModule],
  controllers: [SocialAccountsController, SocialAccountsTools, SocialAccountResource],
  providers: [SocialAccountsService],
  exports: [SocialAccountsService],
})
export class SocialAccountsModule {}
