/** The platforms Postern publishes to. Rule ids, connectors and targets use these keys. */
export const PLATFORMS = ['facebook', 'instagram', 'pinterest', 'youtube', 'gmb', 'linkedin', 'x'] as const;

export type Platform = (typeof PLATFORMS)[number];

/** Names as a person (or a model) would write them in a message. */
export const PLATFORM_NAMES: Readonly<Record<Platform, string>> = Object.freeze({
  facebook: 'Facebook',
  instagram: 'Instagram',
  pinterest: 'Pinterest',
  youtube: 'YouTube',
  gmb: 'Google Business Profile',
  linkedin: 'LinkedIn',
  x: 'X',
});

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}
