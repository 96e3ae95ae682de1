import * as http from 'node:http';

/** Media caps small enough for tests to cross with small files. */
export const IMAGE_CAP = 64 * 1024;
export const VIDEO_CAP = 128 * 1024;
export const INLINE_CAP = 96 * 1024;

/** Config for an app with those caps and a data directory of the test's own (to see what lands on disk). */
export function mediaTestEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    DATA_DIR: dataDir,
    MEDIA_MAX_IMAGE_BYTES: String(IMAGE_CAP),
    MEDIA_MAX_VIDEO_BYTES: String(VIDEO_CAP),
    MEDIA_MAX_INLINE_BYTES: String(INLINE_CAP),
    MEDIA_FETCH_TIMEOUT_SECONDS: '5',
  };
}

/**
 * A multipart upload to `POST /api/v1/media` whose body the test writes itself, piece by piece
 * (or never finishes): fetch cannot hold a body open like this.
 */
export function openUpload(
  baseUrl: string,
  token: string,
  options: { boundary: string; contentLength: number },
): http.ClientRequest {
  return http.request({
    host: '127.0.0.1',
    port: new URL(baseUrl).port,
    method: 'POST',
    path: '/api/v1/media',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${options.boundary}`,
      'content-length': String(options.contentLength),
    },
  });
}
