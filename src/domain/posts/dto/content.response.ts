import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { PLATFORMS } from '../../../publishing/rules/platforms';
import type { PlatformOverrides } from '../content-fields';

/** Response pieces drafts and posts share: variants and who wrote the content. */
export class AuthorResponse {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The user the call was made for.' })
  user_id: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The AI client (OAuth client id), if an agent wrote it.' })
  client_id: string | null;
}

export const variantsOutput = z
  .partialRecord(
    z.enum(PLATFORMS),
    z.object({ text: z.string().optional(), title: z.string().optional(), link: z.string().optional() }),
  )
  .describe('Per-platform replacements; a platform not listed uses the shared text, title and link.');

export const authorOutput = z
  .object({
    user_id: z.string().nullable().describe('The user the call was made for.'),
    client_id: z.string().nullable().describe('The AI client that wrote it, if any.'),
  })
  .describe('Who wrote it.');

export function toAuthorResponse(author: { userId: string | null; clientId: string | null }): AuthorResponse {
  return { user_id: author.userId, client_id: author.clientId };
}

/** Stored variants, copied so a caller never holds the entity's object. */
export function toVariantsResponse(variants: PlatformOverrides): PlatformOverrides {
  return JSON.parse(JSON.stringify(variants ?? {})) as PlatformOverrides;
}

/** The content fields of a draft or post as tools return them, in the order both outputs list them. */
export const contentOutputFields = {
  text: z.string(),
  title: z.string().nullable(),
  link: z.string().nullable(),
  variants: variantsOutput,
  media_ids: z.array(z.string()),
};

/**
 * A stored draft's or post's content fields as responses carry them, in the order both list them;
 * arrays and variants are copies.
 */
export function toContentResponse(row: {
  text: string;
  title: string | null;
  link: string | null;
  variants: PlatformOverrides;
  mediaIds: string[];
}): { text: string; title: string | null; link: string | null; variants: PlatformOverrides; media_ids: string[] } {
  return {
    text: row.text,
    title: row.title,
    link: row.link,
    variants: toVariantsResponse(row.variants),
    media_ids: [...row.mediaIds],
  };
}
