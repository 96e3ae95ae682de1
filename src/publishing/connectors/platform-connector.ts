import type { Platform } from '../rules/platforms';

/** What one target sends: the post's content as this platform gets it (its variant applied). */
export interface PublishRequest {
  /** Our target id: a connector records it with the post where the network allows, to find it again. */
  targetId: string;
  /**
   * One per attempt: a connector sends it as the network's idempotency key where there is one, so
   * a request that arrives twice makes one post.
   */
  idempotencyKey: string;
  account: { id: string; externalId: string; handle: string | null };
  text: string;
  title: string | null;
  link: string | null;
  mediaIds: string[];
}

/** Where the post landed on the network. */
export interface PublishedPost {
  externalId: string;
  url: string | null;
}

/**
 * The network said no, and nothing was published: safe to report as failed (or to retry later,
 * when `retryable`). Any other error from `publish` means the outcome is not known.
 */
export class PublishRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

/**
 * One platform's publishing API. `publish` may reach the network even when it throws, so the
 * pipeline never calls it twice for a target without first asking `find` whether the first call
 * landed. A connector bounds its own calls in time, well inside the runner's lease.
 */
export interface PlatformConnector {
  readonly platform: Platform;
  /** `signal` aborts when the runner stops waiting; the attempt then counts as outcome unknown. */
  publish(request: PublishRequest, signal: AbortSignal): Promise<PublishedPost>;
  /** The post an earlier `publish` of this target created, if the network has it. */
  find(request: PublishRequest): Promise<PublishedPost | undefined>;
}
