import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { S3Config } from '../../../config/config.types';
import { Logger } from '@nestjs/common';
import {
  checkedStorageKey,
  type MediaStorage,
  MediaObjectMissingError,
  MediaStoreUnavailableError,
  newStorageKey,
} from './media-storage';
import { isTransientS3Error } from './s3-transient-error';

/** What a HeadBucket refusal means, by status. */
const HEAD_BUCKET_REFUSALS: Record<number, string> = {
  301: 'the bucket is in another region than S3_REGION',
  // S3 answers a HeadBucket 403 also to credentials without s3:ListBucket, which media does not use.
  403: 'access denied: these credentials cannot reach the bucket, or lack s3:ListBucket, which only this check uses',
  404: 'no such bucket',
};

/** Attempts of an upload from a file: the SDK retries buffered bodies, never a stream. */
const FILE_ATTEMPTS = 3;
const FILE_RETRY_MS = 200;

/**
 * Media objects in an S3 bucket, or in an S3-compatible store when an endpoint is configured,
 * keyed `<workspace id>/<random key>`. Bodies are sent with their length (a file is streamed from
 * disk, never read into memory), so no store has to understand chunked uploads; with a custom
 * endpoint, checksums are only sent where the API requires them, as several S3-compatible stores
 * refuse the newer checksum headers.
 */
export class S3MediaStorage implements MediaStorage {
  private readonly client: S3Client;
  private readonly log = new Logger(S3MediaStorage.name);

  /**
   * `idleMs` bounds a connection attempt and any silence mid-request (not a whole transfer, so
   * large files still upload): without it, a store that stopped answering held an upload, and the
   * caller's request, for ever. No cap on sockets: a download holds one for as long as its client
   * reads, and a queue for a free one would count against the connection bound.
   */
  constructor(
    private readonly config: S3Config,
    idleMs = 30_000,
  ) {
    const compatible = config.endpoint !== undefined;
    const agent = { keepAlive: true, maxSockets: Infinity };
    this.client = new S3Client({
      requestHandler: {
        connectionTimeout: Math.min(idleMs, 5_000),
        socketTimeout: idleMs,
        httpAgent: agent,
        httpsAgent: agent,
      },
      // The SDK's own warnings through our logger, not straight to stderr. Its per-request lines
      // (an error for every failed call, a missing key included, with the call's input) are left
      // out: callers log what a failure means.
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: (m: unknown) => this.log.warn(m),
        error: () => undefined,
      },
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      ...(compatible
        ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
        : {}),
    });
  }

  async put(workspaceId: string, bytes: Buffer, mimeType: string): Promise<string> {
    const key = newStorageKey(workspaceId);
    await this.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: mimeType,
      }),
    );
    return key;
  }

  async putFile(workspaceId: string, file: { path: string; size: number }, mimeType: string): Promise<string> {
    const key = newStorageKey(workspaceId);
    for (let attempt = 1; ; attempt++) {
      // Each attempt reads the file from its start: a failed one's stream was partly read.
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, FILE_RETRY_MS * 2 ** (attempt - 2)));
      const body = createReadStream(file.path);
      try {
        await this.send(
          new PutObjectCommand({
            Bucket: this.config.bucket,
            Key: key,
            Body: body,
            ContentLength: file.size,
            ContentType: mimeType,
          }),
        );
        return key;
      } catch (error) {
        if (error instanceof MediaStoreUnavailableError && attempt < FILE_ATTEMPTS) continue;
        // An earlier attempt may have landed with its answer lost, and nothing would point at it.
        if (attempt > 1) this.forget(key);
        throw error;
      } finally {
        body.destroy();
      }
    }
  }

  /**
   * Deletes what an upload that failed may have left. Not awaited: against a store that is not
   * answering, the caller would wait for this too. Failing, the key is logged for the operator.
   */
  private forget(key: string): void {
    this.client
      .send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }))
      .catch((err: Error) => this.log.warn(`a failed upload may have left ${key} in the bucket: ${err.message}`));
  }

  async open(key: string): Promise<Readable> {
    try {
      const object = await this.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: checkedStorageKey(key) }));
      if (!(object.Body instanceof Readable)) throw new Error('the S3 client returned no readable body');
      return object.Body;
    } catch (error) {
      if (error instanceof NoSuchKey) throw new MediaObjectMissingError();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: checkedStorageKey(key) }));
  }

  get location(): string {
    return `S3 bucket ${this.config.bucket}${this.config.endpoint ? ` at ${this.config.endpoint}` : ` in ${this.config.region}`}`;
  }

  /**
   * The bucket answers for these credentials. A HEAD answer has no body, so the SDK cannot say
   * what a refusal means ("UnknownError", named "Unknown" for a 403): it is told by its status.
   */
  async check(): Promise<void> {
    try {
      await this.send(new HeadBucketCommand({ Bucket: this.config.bucket }));
    } catch (error) {
      if (error instanceof MediaStoreUnavailableError) throw error;
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      const why = (status && HEAD_BUCKET_REFUSALS[status]) ?? e.name ?? 'error';
      throw new Error(`${why}${status ? ` (HTTP ${status})` : ''}`, { cause: error });
    }
  }

  /** A call, with an outage of the store told apart from everything else. */
  private send: S3Client['send'] = async (command: Parameters<S3Client['send']>[0]) => {
    try {
      return await this.client.send(command);
    } catch (error) {
      throw isTransientS3Error(error) ? new MediaStoreUnavailableError(error) : error;
    }
  };

  /** Closes the client's connections (on shutdown). */
  destroy(): void {
    this.client.destroy();
  }
}
