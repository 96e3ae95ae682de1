import type { Platform } from '../../publishing/rules/platforms';

/** What one platform may change in a draft or post; a field left out falls back to the shared value. */
export interface PlatformOverride {
  text?: string;
  title?: string;
  link?: string;
}

export type PlatformOverrides = { [P in Platform]?: PlatformOverride };
