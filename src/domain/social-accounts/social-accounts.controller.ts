import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { IdParam } from '../../common/rest-params.decorator';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { ADMINISTRATION, ADMINISTRATION_RULE } from '../../access/administration';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { ListSocialAccountsDto } from './dto/list-social-accounts.dto';
import { RegisterSocialAccountDto } from './dto/register-social-account.dto';
import {
  SocialAccountPageResponse,
  SocialAccountResponse,
  toSocialAccountResponse,
} from './dto/social-account.response';
import { UpdateSocialAccountDto } from './dto/update-social-account.dto';
import { SocialAccountsService } from './social-accounts.service';

/** The workspace's network accounts: metadata only, never credentials; nothing here posts. */
@ApiTags('social-accounts')
@ApiBearerAuth()
@Controller('api/v1/social-accounts')
export class SocialAccountsController {
  constructor(private readonly accounts: SocialAccountsService) {}

  @Get()
  @RequireScopes('social_accounts:list')
  @ApiOperation({
    summary: 'List the social accounts of this workspace',
    description:
      'Newest first; filter by platform and status; pass next_cursor as cursor for the next page. Grants no posting.',
  })
  @ApiOkResponse({ type: SocialAccountPageResponse })
  async list(@CurrentActor() actor: Actor, @Query() query: ListSocialAccountsDto): Promise<SocialAccountPageResponse> {
    const page = await this.accounts.list(actor, query);
    return { items: page.items.map(toSocialAccountResponse), next_cursor: page.next_cursor };
  }

  @Get(':id')
  @RequireScopes('social_accounts:read')
  @ApiOperation({
    summary: 'Get one social account',
    description: 'An account of another workspace answers 404, like one that does not exist. Grants no posting.',
  })
  @ApiOkResponse({ type: SocialAccountResponse })
  async get(@CurrentActor() actor: Actor, @IdParam('social account') id: string): Promise<SocialAccountResponse> {
    return toSocialAccountResponse(await this.accounts.get(actor, id));
  }

  @Post()
  @RequireScopes(...ADMINISTRATION)
  @ApiOperation({
    summary: 'Register a social account’s metadata (admins)',
    description:
      'Records platform, name, handle and the platform’s account id so posts can target it. No credentials are ' +
      `accepted here. The same platform account twice in one workspace answers 409 conflict. ${ADMINISTRATION_RULE}`,
  })
  @ApiCreatedResponse({ type: SocialAccountResponse })
  async register(@CurrentActor() actor: Actor, @Body() body: RegisterSocialAccountDto): Promise<SocialAccountResponse> {
    return toSocialAccountResponse(await this.accounts.register(actor, body));
  }

  @Patch(':id')
  @RequireScopes(...ADMINISTRATION)
  @ApiOperation({
    summary: 'Change a social account’s name, handle, status or capabilities (admins)',
    description: `Platform and external_id cannot change; register a new account instead. ${ADMINISTRATION_RULE}`,
  })
  @ApiOkResponse({ type: SocialAccountResponse })
  async update(
    @CurrentActor() actor: Actor,
    @IdParam('social account') id: string,
    @Body() body: UpdateSocialAccountDto,
  ): Promise<SocialAccountResponse> {
    return toSocialAccountResponse(await this.accounts.update(actor, id, body));
  }
}
