import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { S3Config } from '../../../config/config.types';
import { checkedStorageKey, type MediaStorage, MediaObjectMissingError, newStorageKey } from './media-storage';

/**
 * Media objects in an S3 bucket, or in an S3-compatible store when an endpoint is configured,
 * keyed `<workspace id>/<random key>`. Bodies are sent with their length (a file is streamed from
 * disk, never read into memory), so no store has to understand chunked uploads; with a custom
 * endpoint, checksums are only sent where the API requires them, as several S3-compatible stores
 * refuse the newer checksum headers.
 */
export class S3MediaStorage implements MediaStorage {
  private readonly client: S3Client;

  /**
   * `idleMs` bounds a connection attempt and any silence mid-request (not a whole transfer, so
   * large files still upload): without it, a store that stopped answering held an upload, and the
   * caller's request, for ever. The SDK retries a timed-out request twice more.
   */
  constructor(
    private readonly config: S3Config,
    idleMs = 30_000,
  ) {
    const compatible = config.endpoint !== undefined;
    this.client = new S3Client({
      requestHandler: { connectionTimeout: Math.min(idleMs, 5_000), socketTimeout: idleMs },
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
    await this.client.send(
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
    const body = createReadStream(file.path);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          Body: body,
          ContentLength: file.size,
          ContentType: mimeType,
        }),
      );
    } finally {
      body.destroy();
    }
    return key;
  }

  async open(key: string): Promise<Readable> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: checkedStorageKey(key) }),
      );
      if (!(object.Body instanceof Readable)) throw new Error('the S3 client returned no readable body');
      return object.Body;
    } catch (error) {
      if (error instanceof NoSuchKey) throw new MediaObjectMissingError();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: checkedStorageKey(key) }));
  }

  /** Closes the client's connections (on shutdown). */
  destroy(): void {
    this.client.destroy();
  }
}
