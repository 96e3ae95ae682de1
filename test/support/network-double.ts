import { randomUUID } from 'node:crypto';
import {
  PublishRejected,
  type PlatformConnector,
  type PublishedPost,
  type PublishRequest,
} from '../../src/publishing/connectors/platform-connector';
import type { Platform } from '../../src/publishing/rules/platforms';

/**
 * How the next publish call behaves: `ok` publishes; `reject` refuses clearly; `lost-answer`
 * publishes but the answer never arrives (the caller sees an error); `lost-request` fails before
 * anything is published (the caller sees the same error); `hang` publishes only when released.
 */
export type NetworkBehaviour = 'ok' | 'reject' | 'reject-retryable' | 'lost-answer' | 'lost-request' | 'hang';

/**
 * A social network stand-in for one platform: it keeps what was "posted" per target so the tests
 * can count posts, and answers `find` from the same store, as a real network would.
 */
export class NetworkDouble implements PlatformConnector {
  /** Every post made, in order: a duplicate shows up as a second entry for the same target. */
  readonly posts: (PublishedPost & { request: PublishRequest })[] = [];
  readonly calls: (PublishRequest & { at: number })[] = [];
  private readonly next: NetworkBehaviour[] = [];
  private released?: () => void;

  constructor(readonly platform: Platform) {}

  behave(...behaviours: NetworkBehaviour[]): void {
    this.next.push(...behaviours);
  }

  release(): void {
    this.released?.();
  }

  async publish(request: PublishRequest): Promise<PublishedPost> {
    this.calls.push({ ...request, at: Date.now() });
    const behaviour = this.next.shift() ?? 'ok';
    if (behaviour === 'reject') throw new PublishRejected('duplicate_content', 'the network refused the post');
    if (behaviour === 'reject-retryable') throw new PublishRejected('network_busy', 'try again later', true);
    if (behaviour === 'lost-request') throw new Error('socket hang up');
    if (behaviour === 'hang') await new Promise<void>((resolve) => (this.released = resolve));
    const id = randomUUID();
    const post = { externalId: id, url: `https://${this.platform}.example/posts/${id}` };
    this.posts.push({ ...post, request });
    if (behaviour === 'lost-answer') throw new Error('socket hang up');
    return post;
  }

  find(request: PublishRequest): Promise<PublishedPost | undefined> {
    const found = this.posts.find((p) => p.request.targetId === request.targetId);
    return Promise.resolve(found && { externalId: found.externalId, url: found.url });
  }
}
