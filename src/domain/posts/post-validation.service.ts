import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { workspaceOf, type Actor } from '../../access/actor';
import { AppError } from '../../common/app-error';
import { PLATFORM_RULE_REGISTRY } from '../../publishing/rules/platform-rules';
import { isPlatform, PLATFORMS, type Platform } from '../../publishing/rules/platforms';
import type { AccountCapability } from '../../publishing/rules/rule-types';
import { validatePost, type MultiPlatformPost } from '../../publishing/rules/validate-post';
import { DraftsService } from '../drafts/drafts.service';
import { MediaService } from '../media/media.service';
import type { SocialAccountEntity } from '../social-accounts/social-account.entity';
import { SocialAccountsService } from '../social-accounts/social-accounts.service';
import type { PlatformOverrides } from './content-fields';
import {
  checkIds,
  CONTENT_LIMITS,
  ContentProblems,
  newContent,
  normaliseContent,
  toMediaItem,
  type ContentInput,
} from './content-input';
import type { PostValidationResponse } from './dto/post-validation.response';
import type { PostEntity } from './post.entity';
import { PostsRepository } from './posts.repository';
import { PostsService } from './posts.service';

/** One of: `post_id`, `draft_id`, or the content itself; targets default to the post's or draft's own. */
export interface ValidatePostInput extends Omit<ContentInput, 'campaign_id'> {
  post_id?: string;
  draft_id?: string;
  platforms?: Platform[];
  social_account_ids?: string[];
}

interface Subject {
  text: string;
  title: string | null;
  link: string | null;
  variants: PlatformOverrides;
  mediaIds: string[];
  accountIds: string[];
}

const CONTENT_FIELDS = ['text', 'title', 'link', 'variants', 'media_ids'] as const;

/**
 * validate_post: a dry run of the platform rules against a post, a draft or content not saved
 * anywhere. Reads only; it never writes, not even when the content is invalid.
 */
@Injectable()
export class PostValidationService {
  constructor(
    @InjectEntityManager() private readonly reader: EntityManager,
    private readonly posts: PostsService,
    private readonly repository: PostsRepository,
    private readonly drafts: DraftsService,
    private readonly media: MediaService,
    private readonly accounts: SocialAccountsService,
  ) {}

  async validate(actor: Actor, input: ValidatePostInput): Promise<PostValidationResponse> {
    const { platforms, accountIds } = this.checkTargets(input);
    const subject = await this.subjectOf(actor, input);
    return this.check(this.reader, workspaceOf(actor), subject, platforms, accountIds);
  }

  /**
   * The rules check of a saved post against its own targets, read through `m`: inside the
   * transaction of a use case that holds the post (scheduling), so what is checked is what goes.
   */
  checkSaved(m: EntityManager, post: PostEntity, accountIds: string[]): Promise<PostValidationResponse> {
    return this.check(m, post.workspaceId, { ...post, accountIds });
  }

  private async check(
    m: EntityManager,
    workspaceId: string,
    subject: Subject,
    platforms?: Platform[],
    accountIds?: string[],
  ): Promise<PostValidationResponse> {
    const targetIds = accountIds ?? (platforms ? [] : subject.accountIds);
    const accounts = await this.accounts.requireUsable(m, workspaceId, targetIds);
    const checked = uniquePlatforms([...(platforms ?? []), ...accounts.map((a) => a.platform)]);
    if (!checked.length) {
      throw new AppError(
        'validation_failed',
        'nothing to validate against: pass platforms or social_account_ids (the post or draft names no accounts)',
        [{ field: 'platforms', issue: 'give platforms or social_account_ids' }],
      );
    }
    const media = await this.media.requireUsable(m, workspaceId, subject.mediaIds);
    const post: MultiPlatformPost = {
      text: subject.text,
      title: subject.title ?? undefined,
      link: subject.link ?? undefined,
      media: media.map(toMediaItem),
      overrides: subject.variants,
    };
    const byPlatform = validatePost(post, checked, capabilitiesOf(accounts));
    const results = checked.map((platform) => {
      const violations = (byPlatform[platform] ?? []).map((v) => ({
        rule_id: v.ruleId,
        field: v.field,
        message: v.message,
        limit: v.limit,
        actual: v.actual,
      }));
      return { platform, valid: violations.length === 0, violations };
    });
    return {
      valid: results.every((r) => r.valid),
      registry_version: PLATFORM_RULE_REGISTRY.version,
      results,
    };
  }

  /** What to check: a saved post or draft (the caller must be able to read it), or the content given. */
  private async subjectOf(actor: Actor, input: ValidatePostInput): Promise<Subject> {
    const inline = CONTENT_FIELDS.filter((f) => input[f] !== undefined);
    const sources = [input.post_id !== undefined, input.draft_id !== undefined, inline.length > 0].filter(Boolean);
    if (sources.length !== 1) {
      throw new AppError(
        'validation_failed',
        'give exactly one of post_id, draft_id, or the content to check (text, title, link, variants, media_ids)',
        [
          {
            field: sources.length ? 'post_id' : '(arguments)',
            issue: 'give exactly one of post_id, draft_id, content',
          },
        ],
      );
    }
    if (input.post_id !== undefined) {
      const post = await this.posts.get(actor, input.post_id);
      const targets = (await this.repository.targetsOf(post.workspaceId, [post.id])).get(post.id) ?? [];
      return { ...post, accountIds: targets.map((t) => t.socialAccountId) };
    }
    if (input.draft_id !== undefined) {
      // Reading a draft through validate_post is still reading it: posts:read alone must not reveal drafts.
      if (!actor.scopes.has('drafts:read')) {
        throw new AppError('insufficient_scope', 'missing scopes: drafts:read (needed to validate a draft)', [
          { field: 'scope', issue: 'drafts:read' },
        ]);
      }
      const draft = await this.drafts.get(actor, input.draft_id);
      return { ...draft, accountIds: draft.socialAccountIds };
    }
    const problems = new ContentProblems();
    const content = normaliseContent(input, problems);
    problems.throwIfAny();
    return { ...newContent(content), accountIds: [] };
  }

  private checkTargets(input: ValidatePostInput): { platforms?: Platform[]; accountIds?: string[] } {
    const problems = new ContentProblems();
    let platforms: Platform[] | undefined;
    if (input.platforms !== undefined) {
      if (!Array.isArray(input.platforms) || input.platforms.length > PLATFORMS.length) {
        problems.add('platforms', `must be a list of up to ${PLATFORMS.length} platforms`);
      } else {
        input.platforms.forEach((p, i) => {
          if (!isPlatform(p)) problems.add(`platforms.${i}`, `must be one of ${PLATFORMS.join(', ')}`);
        });
        platforms = input.platforms;
      }
    }
    const accountIds =
      input.social_account_ids === undefined
        ? undefined
        : checkIds(input.social_account_ids, 'social_account_ids', { max: CONTENT_LIMITS.targets }, problems);
    problems.throwIfAny();
    return { platforms, accountIds };
  }
}

function uniquePlatforms(platforms: readonly Platform[]): Platform[] {
  return [...new Set(platforms)];
}

/**
 * A capability lifts a limit for a platform only if every account of that platform being checked
 * declares it, so "valid" holds for each of them.
 */
function capabilitiesOf(accounts: readonly SocialAccountEntity[]): { [P in Platform]?: AccountCapability[] } {
  const result: { [P in Platform]?: AccountCapability[] } = {};
  for (const account of accounts) {
    const held = result[account.platform];
    result[account.platform] = held ? held.filter((c) => account.capabilities.includes(c)) : [...account.capabilities];
  }
  return result;
}
