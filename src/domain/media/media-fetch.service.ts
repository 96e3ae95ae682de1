import { Inject, Injectable } from '@nestjs/common';
import {
  createSafeFetcher,
  type SafeFetcher,
  type SafeFetchStreamingResponse,
  type SafeFetchTestSeams,
} from '../../common/net/safe-fetch';
import { APP_CONFIG, type AppConfig } from '../../config/config.types';
import { largestMediaCap } from './media-temp-dir.module';

/**
 * Downloads media a caller named by URL, through the SSRF-safe fetcher: https only, public
 * addresses only (checked on every redirect hop), at most the largest allowed file, within the
 * configured time.
 */
@Injectable()
export class MediaFetchService {
  private fetcher: SafeFetcher;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.fetcher = this.build({});
  }

  /** The largest body a fetch accepts: the cap of the largest kind of media. */
  get maxBytes(): number {
    return largestMediaCap(this.config);
  }

  /** Hands the unread response to `consume`, which reads the capped body within the same deadline. */
  stream<T>(url: string, consume: (response: SafeFetchStreamingResponse) => Promise<T>): Promise<T> {
    return this.fetcher.stream(url, consume);
  }

  /**
   * TEST SEAM, not configuration: end-to-end tests point test host names at a local HTTPS server,
   * trust its certificate and allow exactly its address, as the safe fetcher's own tests do. No
   * production code path and no config key calls this; without it the system resolver, trust
   * store and the strict public-address policy apply.
   */
  useTestSeams(seams: SafeFetchTestSeams): void {
    this.fetcher = this.build(seams);
  }

  private build(seams: SafeFetchTestSeams): SafeFetcher {
    return createSafeFetcher({ timeoutMs: this.config.media.fetchTimeoutMs, maxBytes: this.maxBytes, ...seams });
  }
}
