import { Payload } from '@nestjs/microservices';
import { McpController, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { annotations, idParam, pageOutput, pageParams, platformParam } from '../../mcp/tool-params';
import { socialAccountOutput, toSocialAccountResponse } from './dto/social-account.response';
import { SOCIAL_ACCOUNT_STATUSES } from './social-account.entity';
import { SocialAccountsService } from './social-accounts.service';

const listParams = z
  .object({
    platform: platformParam.optional().describe('Only accounts on this platform.'),
    status: z
      .enum(SOCIAL_ACCOUNT_STATUSES)
      .optional()
      .describe('Only accounts in this status; "active" lists the ones usable as targets.'),
    ...pageParams,
  })
  .strict();

const getParams = z.object({ social_account_id: idParam('social account') }).strict();

@McpController()
export class SocialAccountsTools {
  constructor(private readonly accounts: SocialAccountsService) {}

  @Tool({
    name: 'list_social_accounts',
    description:
      'List the social network accounts of this workspace that posts and drafts can target, newest first: platform, ' +
      'display name, handle, status and declared capabilities. Use the ids as social_account_ids. Only accounts with ' +
      'status "active" can be published to. Reading accounts grants no posting, and no credentials are ever shown. ' +
      'Paginate with next_cursor. Read-only.',
    parameters: listParams,
    outputSchema: pageOutput(socialAccountOutput),
    annotations: { title: 'List social accounts', ...annotations.read },
  })
  @RequireScopes('social_accounts:list')
  async listSocialAccounts(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof listParams>) {
    const page = await this.accounts.list(actor, args);
    return { items: page.items.map(toSocialAccountResponse), next_cursor: page.next_cursor };
  }

  @Tool({
    name: 'get_social_account',
    description:
      'Get one social account of this workspace by id: platform, display name, handle, platform id, status and ' +
      'declared capabilities (e.g. x_premium_long_posts lifts the X text limit to 4,000). Reading an account grants ' +
      'no posting and never shows credentials. An id from another workspace answers not_found, like a missing one. Read-only.',
    parameters: getParams,
    outputSchema: socialAccountOutput,
    annotations: { title: 'Get social account', ...annotations.read },
  })
  @RequireScopes('social_accounts:read')
  async getSocialAccount(@CurrentActor() actor: Actor, @Payload() args: z.infer<typeof getParams>) {
    return toSocialAccountResponse(await this.accounts.get(actor, args.social_account_id));
  }
}
