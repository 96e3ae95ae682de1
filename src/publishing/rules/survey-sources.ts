import type { Citation, SurveyRef } from './rule-types';

/**
 * The sources the registry cites, keyed as in shared/notes/platform-rules-survey.md. The survey
 * gives Postiz and Mixpost as `repository:path @commit`; the GitHub URLs below are those same
 * references written as links, not additional sources.
 */
const POSTIZ_SOCIAL =
  'https://github.com/gitroomhq/postiz-app/blob/74b01ada1/libraries/nestjs-libraries/src/integrations/social';

export const SURVEY_URLS = {
  postizX: `${POSTIZ_SOCIAL}/x.provider.ts`,
  postizFacebook: `${POSTIZ_SOCIAL}/facebook.provider.ts`,
  postizInstagram: `${POSTIZ_SOCIAL}/instagram.provider.ts`,
  postizPinterest: `${POSTIZ_SOCIAL}/pinterest.provider.ts`,
  postizYoutube: `${POSTIZ_SOCIAL}/youtube.provider.ts`,
  postizGmb: `${POSTIZ_SOCIAL}/gmb.provider.ts`,
  postizLinkedin: `${POSTIZ_SOCIAL}/linkedin.provider.ts`,
  ayrshareCharacterLimits: 'https://www.ayrshare.com/help-center/technical-support/character_limits',
  ayrshareInstagram: 'https://www.ayrshare.com/docs/vi/apis/post/social-networks/instagram',
  mixpostConfig: 'https://github.com/inovector/mixpost/blob/df57648/config/mixpost.php',
} as const;

const REFS: Readonly<Record<keyof typeof SURVEY_URLS, SurveyRef>> = {
  postizX: 'PZ16',
  postizFacebook: 'PZ16',
  postizInstagram: 'PZ16',
  postizPinterest: 'PZ16',
  postizYoutube: 'PZ16',
  postizGmb: 'PZ16',
  postizLinkedin: 'PZ16',
  ayrshareCharacterLimits: 'AY4',
  ayrshareInstagram: 'AY5',
  mixpostConfig: 'MX1',
};

export function cite(source: keyof typeof SURVEY_URLS, states: string): Citation {
  return { ref: REFS[source], url: SURVEY_URLS[source], states };
}

/** The survey is dated to the month ("survey, 2026-08"); a day would be invented precision. */
export const SURVEY_VERIFIED = '2026-08';
