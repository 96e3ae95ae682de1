import type { LogLevel, MediaStorageKind } from './app-config';

/** The typed configuration every module receives; built once by `loadConfig`. */
export interface AppConfig {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl?: string;
  /** Bound on each statement of the serving app and worker (not migrations or CLI commands). */
  databaseStatementTimeoutMs: number;
  redisUrl?: string;
  dataDir: string;
  logLevel: LogLevel;
  /** Unset only in embedded mode before the key file is read; see `resolveSecretKey`. */
  secretKey?: string;
  runMigrations: boolean;
  admin?: { email: string; password: string };
  setupTokenTtlMinutes: number;
  allowedHosts: string[];
  /** Peers whose X-Forwarded-For is believed (Express's `trust proxy`). */
  trustProxy: string[];
  oauthAccessTokenTtlSeconds: number;
  /** Client registrations one address may make per hour. */
  oauthRegistrationsPerHour: number;
  media: MediaConfig;
}

export interface S3Config {
  bucket: string;
  region: string;
  /** Unset: AWS itself. */
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

export interface MediaConfig {
  storage: MediaStorageKind;
  /** Present exactly when `storage` is `s3`. */
  s3?: S3Config;
  maxImageBytes: number;
  maxVideoBytes: number;
  /** Largest decoded base64 payload accepted inline. */
  maxInlineBytes: number;
  fetchTimeoutMs: number;
  /** Uploads held in memory at once per instance; more are refused with 429. */
  maxConcurrentUploads: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
