import { buildDraft, buildPost, buildSocialAccount, trashPost } from '../../factories/drafts-posts';
import { rest, tool, type RecipeSet } from './recipe';

/**
 * A publish time an hour after the suite loaded, the same on every render: the matrix compares two
 * renders of a recipe to tell a call naming an object from one that makes a fresh value each time.
 */
const IN_AN_HOUR = new Date(Date.now() + 3600_000).toISOString();

/**
 * Drafts and posts. The seeded objects are only ever named by refused calls (missing scope, low
 * role) or from another workspace, so every recipe can run many times against the same ones.
 */
export const contentRecipes: RecipeSet = {
  async seed(app, workspaceId) {
    const account = await buildSocialAccount(app, workspaceId, 'linkedin');
    const draft = await buildDraft(app, workspaceId, { social_account_ids: [account.id] });
    const post = await buildPost(app, workspaceId, { social_account_ids: [account.id] });
    const trashed = await buildPost(app, workspaceId, { social_account_ids: [account.id] });
    await trashPost(app, workspaceId, trashed.id);
    return { targetAccountId: account.id, draftId: draft.id, postId: post.id, trashedPostId: trashed.id };
  },
  recipes: {
    create_draft: (_, t) => tool('create_draft', { text: 'Hello', social_account_ids: [t.ids.targetAccountId] }),
    get_draft: (_, t) => tool('get_draft', { draft_id: t.ids.draftId }),
    list_drafts: () => tool('list_drafts', {}),
    update_draft: (_, t) => tool('update_draft', { draft_id: t.ids.draftId, text: 'Changed' }),
    delete_draft: (_, t) => tool('delete_draft', { draft_id: t.ids.draftId }),
    create_post: (_, t) => tool('create_post', { text: 'Hello', social_account_ids: [t.ids.targetAccountId] }),
    create_post_from_draft: (_, t) => tool('create_post_from_draft', { draft_id: t.ids.draftId }),
    get_post: (_, t) => tool('get_post', { post_id: t.ids.postId }),
    list_posts: () => tool('list_posts', {}),
    update_post: (_, t) => tool('update_post', { post_id: t.ids.postId, text: 'Changed' }),
    delete_post: (_, t) => tool('delete_post', { post_id: t.ids.postId }),
    restore_post: (_, t) => tool('restore_post', { post_id: t.ids.trashedPostId }),
    get_post_status: (_, t) => tool('get_post_status', { post_id: t.ids.postId }),
    validate_post: (_, t) => tool('validate_post', { post_id: t.ids.postId }),
    schedule_post: (_, t) => tool('schedule_post', { post_id: t.ids.postId, publish_at: IN_AN_HOUR }),
    publish_post: (_, t) => tool('publish_post', { post_id: t.ids.postId }),
    cancel_post: (_, t) => tool('cancel_post', { post_id: t.ids.postId }),

    'POST /api/v1/drafts': (_, t) =>
      rest('POST', '/api/v1/drafts', { text: 'Hello', social_account_ids: [t.ids.targetAccountId] }),
    'GET /api/v1/drafts': () => rest('GET', '/api/v1/drafts'),
    'GET /api/v1/drafts/:id': (_, t) => rest('GET', `/api/v1/drafts/${t.ids.draftId}`),
    'PATCH /api/v1/drafts/:id': (_, t) => rest('PATCH', `/api/v1/drafts/${t.ids.draftId}`, { text: 'Changed' }),
    'DELETE /api/v1/drafts/:id': (_, t) => rest('DELETE', `/api/v1/drafts/${t.ids.draftId}`),
    'POST /api/v1/posts': (_, t) =>
      rest('POST', '/api/v1/posts', { text: 'Hello', social_account_ids: [t.ids.targetAccountId] }),
    'POST /api/v1/posts/from-draft': (_, t) => rest('POST', '/api/v1/posts/from-draft', { draft_id: t.ids.draftId }),
    'POST /api/v1/posts/validate': (_, t) => rest('POST', '/api/v1/posts/validate', { post_id: t.ids.postId }),
    'GET /api/v1/posts': () => rest('GET', '/api/v1/posts'),
    'GET /api/v1/posts/:id': (_, t) => rest('GET', `/api/v1/posts/${t.ids.postId}`),
    'GET /api/v1/posts/:id/status': (_, t) => rest('GET', `/api/v1/posts/${t.ids.postId}/status`),
    'PATCH /api/v1/posts/:id': (_, t) => rest('PATCH', `/api/v1/posts/${t.ids.postId}`, { text: 'Changed' }),
    'DELETE /api/v1/posts/:id': (_, t) => rest('DELETE', `/api/v1/posts/${t.ids.postId}`),
    'POST /api/v1/posts/:id/restore': (_, t) => rest('POST', `/api/v1/posts/${t.ids.trashedPostId}/restore`),
    'POST /api/v1/posts/:id/schedule': (_, t) =>
      rest('POST', `/api/v1/posts/${t.ids.postId}/schedule`, { publish_at: IN_AN_HOUR }),
    'POST /api/v1/posts/:id/publish': (_, t) => rest('POST', `/api/v1/posts/${t.ids.postId}/publish`, {}),
    'POST /api/v1/posts/:id/cancel': (_, t) => rest('POST', `/api/v1/posts/${t.ids.postId}/cancel`, {}),
  },
};
