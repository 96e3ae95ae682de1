import { z } from 'zod';
import { PLATFORMS } from '../../publishing/rules/platforms';
import {
  httpsUrlParam,
  idParam,
  lineParam,
  overridesParam,
  pageParams,
  platformParam,
  textParam,
  timestampParam,
} from '../../mcp/tool-params';
import { CONTENT_LIMITS } from './content-input';

/** The content fields of create_draft, create_post and their updates, worded once for the model. */
export const contentParams = {
  text: textParam(CONTENT_LIMITS.text).describe(
    `The post copy, up to ${CONTENT_LIMITS.text} characters; line breaks allowed. Platforms have shorter limits ` +
      '(X: 280): check with validate_post, and put a shorter version in variants.',
  ),
  title: lineParam(CONTENT_LIMITS.title).describe(
    `One line, up to ${CONTENT_LIMITS.title} characters. Used where a platform has titles (YouTube, Pinterest, LinkedIn articles).`,
  ),
  link: httpsUrlParam.describe('An https URL the post points to (at most 2048 characters).'),
  variants: overridesParam(CONTENT_LIMITS.text).describe(
    `Per-platform replacements for text, title and link, keyed by platform (${PLATFORMS.join(', ')}), ` +
      'e.g. {"x": {"text": "shorter copy"}}. Fields left out use the shared value.',
  ),
  media_ids: z
    .array(idParam('media'))
    .max(CONTENT_LIMITS.media)
    .describe(`Up to ${CONTENT_LIMITS.media} media ids from this workspace's library, in display order.`),
  campaign_id: idParam('campaign').describe('The campaign (UUID) this content belongs to.'),
};

/** On update a field may also be null, which removes it. */
export const clearableContentParams = {
  title: contentParams.title.nullable().describe('New title; null removes it.'),
  link: contentParams.link.nullable().describe('New link; null removes it.'),
  campaign_id: contentParams.campaign_id
    .nullable()
    .describe('New campaign id; null takes the content out of its campaign.'),
};

export const targetIdsParam = (min: number) =>
  z
    .array(idParam('social account'))
    .min(min)
    .max(CONTENT_LIMITS.targets)
    .describe(
      `Social account ids (from list_social_accounts) to publish to later, ${min}–${CONTENT_LIMITS.targets}, each once.`,
    );

export const expectedVersionParam = z
  .number()
  .int()
  .min(1)
  .max(2_147_483_647)
  .describe(
    'Optional: the version you last read. If the content changed since, the update is refused with conflict ' +
      'and nothing is written; read it again and retry.',
  );

/** Filters every content list accepts. Times are ISO 8601 with an offset; the range is [after, before). */
export const contentListParams = {
  ...pageParams,
  campaign_id: idParam('campaign').optional().describe('Only content in this campaign.'),
  platform: platformParam.optional().describe('Only content with a target account on this platform.'),
  created_after: timestampParam
    .optional()
    .describe('Only content created at or after this time (ISO 8601 with offset).'),
  created_before: timestampParam.optional().describe('Only content created before this time (ISO 8601 with offset).'),
};
