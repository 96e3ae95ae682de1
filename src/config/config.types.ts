import type { LogLevel } from './app-config';

/** The typed configuration every module receives; built once by `loadConfig`. */
export interface AppConfig {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl?: string;
  redisUrl?: string;
  dataDir: string;
  logLevel: LogLevel;
  /** Unset only in embedded mode before the key file is read; see `resolveSecretKey`. */
  secretKey?: string;
  runMigrations: boolean;
  admin?: { email: string; password: string };
  setupTokenTtlMinutes: number;
  allowedHosts: string[];
  oauthAccessTokenTtlSeconds: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
