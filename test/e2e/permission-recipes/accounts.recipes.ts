import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../../src/access/actor';
import { CampaignsService } from '../../../src/domain/campaigns/campaigns.service';
import { SocialAccountsService } from '../../../src/domain/social-accounts/social-accounts.service';
import { asOperator } from '../../factories';
import { resource, rest, tool, type RecipeSet } from './recipe';

/** Social accounts, campaigns, workspace settings and the read-only resources. */
export const accountsRecipes: RecipeSet = {
  async seed(app, workspaceId) {
    const actor = { ...operatorActor(), workspaceId };
    const account = await asOperator('social-account add', () =>
      app.get(SocialAccountsService).register(actor, {
        platform: 'x',
        display_name: 'Seeded account',
        external_id: `seed-${randomUUID()}`,
      }),
    );
    const campaign = await asOperator('campaign create', () =>
      app.get(CampaignsService).create(actor, { name: 'Seeded campaign' }),
    );
    return { socialAccountId: account.id, campaignId: campaign.id };
  },
  recipes: {
    list_social_accounts: () => tool('list_social_accounts', { platform: 'x' }),
    get_social_account: (_, t) => tool('get_social_account', { social_account_id: t.ids.socialAccountId }),
    'GET /api/v1/social-accounts': () => rest('GET', '/api/v1/social-accounts?platform=x'),
    'GET /api/v1/social-accounts/:id': (_, t) => rest('GET', `/api/v1/social-accounts/${t.ids.socialAccountId}`),
    'POST /api/v1/social-accounts': () =>
      rest('POST', '/api/v1/social-accounts', {
        platform: 'linkedin',
        display_name: 'Matrix account',
        external_id: `m-${randomUUID()}`,
      }),
    'PATCH /api/v1/social-accounts/:id': (_, t) =>
      rest('PATCH', `/api/v1/social-accounts/${t.ids.socialAccountId}`, { display_name: 'Renamed' }),
    'postern://social-accounts/{id}': (_, t) => resource(`postern://social-accounts/${t.ids.socialAccountId}`),

    create_campaign: () => tool('create_campaign', { name: 'Matrix campaign', starts_on: '2026-03-01' }),
    get_campaign: (_, t) => tool('get_campaign', { campaign_id: t.ids.campaignId }),
    list_campaigns: () => tool('list_campaigns', { status: 'planned' }),
    update_campaign: (_, t) => tool('update_campaign', { campaign_id: t.ids.campaignId, name: 'Renamed' }),
    delete_campaign: (_, t) => tool('delete_campaign', { campaign_id: t.ids.campaignId }),
    'POST /api/v1/campaigns': () => rest('POST', '/api/v1/campaigns', { name: 'Matrix campaign' }),
    'GET /api/v1/campaigns': () => rest('GET', '/api/v1/campaigns?status=planned'),
    'GET /api/v1/campaigns/:id': (_, t) => rest('GET', `/api/v1/campaigns/${t.ids.campaignId}`),
    'PATCH /api/v1/campaigns/:id': (_, t) =>
      rest('PATCH', `/api/v1/campaigns/${t.ids.campaignId}`, { name: 'Renamed' }),
    'DELETE /api/v1/campaigns/:id': (_, t) => rest('DELETE', `/api/v1/campaigns/${t.ids.campaignId}`),
    'postern://campaigns/{id}': (_, t) => resource(`postern://campaigns/${t.ids.campaignId}`),

    'postern://workspace': () => resource('postern://workspace'),
    'postern://rules/{platform}': () => resource('postern://rules/x'),
  },
};
