import type { INestApplication } from '@nestjs/common';
import { operatorActor } from '../../../src/access/actor';
import { MediaService } from '../../../src/domain/media/media.service';
import { asOperator } from '../../factories';
import { png } from '../../support/media-files';
import { rest, tool, upload, type RecipeSet } from './recipe';

const PNG = png(2, 2).toString('base64');

/**
 * The media library. The seed runs as the operator bound to the workspace, as the service acts in
 * `workspaceOf(actor)`.
 */
export const mediaRecipes: RecipeSet = {
  seed: async (app: INestApplication, workspaceId: string) => {
    const media = await asOperator('media upload', () =>
      app.get(MediaService).upload({ ...operatorActor(), workspaceId }, { contentBase64: PNG, fileName: 'seed.png' }),
    );
    return { mediaId: media.id };
  },
  recipes: {
    upload_media: () => tool('upload_media', { content_base64: PNG, file_name: 'matrix.png' }),
    get_media: (_, t) => tool('get_media', { media_id: t.ids.mediaId }),
    list_media: () => tool('list_media', {}),
    update_media: (_, t) => tool('update_media', { media_id: t.ids.mediaId, alt_text: 'changed by the matrix' }),
    delete_media: (_, t) => tool('delete_media', { media_id: t.ids.mediaId }),
    'POST /api/v1/media': () => upload('/api/v1/media', 'matrix.png', 'image/png', png(2, 2, 5)),
    'POST /api/v1/media/from-url': () =>
      rest('POST', '/api/v1/media/from-url', { url: 'https://media.invalid/matrix.png' }),
    'GET /api/v1/media': () => rest('GET', '/api/v1/media'),
    'GET /api/v1/media/:id': (_, t) => rest('GET', `/api/v1/media/${t.ids.mediaId}`),
    'GET /api/v1/media/:id/content': (_, t) => rest('GET', `/api/v1/media/${t.ids.mediaId}/content`),
    'PATCH /api/v1/media/:id': (_, t) => rest('PATCH', `/api/v1/media/${t.ids.mediaId}`, { alt_text: 'changed' }),
    'DELETE /api/v1/media/:id': (_, t) => rest('DELETE', `/api/v1/media/${t.ids.mediaId}`),
  },
};
