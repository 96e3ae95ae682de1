import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import * as path from 'node:path';
import { CONFIG_DOCS, EnvSchema, MEDIA_DEFAULTS } from './app-config';
import { ConfigError } from './config.errors';
import { isAccountEmail, normalisedEmail, passwordProblem } from '../domain/users/credential-rules';
import type { AppConfig } from './config.types';

function describe(errors: ValidationError[]): string[] {
  return errors.map((e) => {
    const reasons = Object.values(e.constraints ?? {});
    return `${e.property}: ${reasons.join('; ') || 'invalid'}`;
  });
}

/**
 * Reads the environment once and returns a typed config, or throws a ConfigError naming every bad
 * variable. This is the only place that reads `process.env` for configuration.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(CONFIG_DOCS);
  const raw: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const parsed = plainToInstance(EnvSchema, raw);
  const problems = describe(validateSync(parsed, { skipMissingProperties: false }));
  if (parsed.DATABASE_URL && !parsed.SECRET_KEY) {
    problems.push(
      'SECRET_KEY: required when DATABASE_URL is set (generate one with `openssl rand -base64 48`); only embedded mode generates its own',
    );
  }
  if (parsed.POSTERN_ADMIN_PASSWORD && !parsed.POSTERN_ADMIN_EMAIL) {
    problems.push('POSTERN_ADMIN_EMAIL: required with POSTERN_ADMIN_PASSWORD');
  }
  // The owner account is made with the same rules as any other: refused here, before anything starts.
  const adminPassword =
    typeof parsed.POSTERN_ADMIN_PASSWORD === 'string' ? passwordProblem(parsed.POSTERN_ADMIN_PASSWORD) : undefined;
  if (adminPassword) problems.push(`POSTERN_ADMIN_PASSWORD: ${adminPassword.message}`);
  if (parsed.POSTERN_ADMIN_EMAIL && !isAccountEmail(normalisedEmail(parsed.POSTERN_ADMIN_EMAIL)))
    problems.push(
      'POSTERN_ADMIN_EMAIL: POSTERN_ADMIN_EMAIL must be an email address, without spaces or invisible characters',
    );
  if (parsed.MEDIA_STORAGE === 's3') {
    for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!parsed[name]) problems.push(`${name}: required when MEDIA_STORAGE=s3`);
    }
  }
  if (problems.length) throw new ConfigError(problems);

  const port = parsed.PORT ?? 3000;
  const publicUrl = (parsed.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const publicHost = new URL(publicUrl).hostname;
  return {
    port,
    host: parsed.HOST ?? '127.0.0.1',
    publicUrl,
    databaseUrl: parsed.DATABASE_URL,
    databaseStatementTimeoutMs: (parsed.DATABASE_STATEMENT_TIMEOUT_SECONDS ?? 30) * 1000,
    redisUrl: parsed.REDIS_URL,
    dataDir: path.resolve(parsed.DATA_DIR ?? './data'),
    logLevel: parsed.LOG_LEVEL ?? 'info',
    secretKey: parsed.SECRET_KEY,
    runMigrations: parsed.RUN_MIGRATIONS ?? true,
    admin:
      parsed.POSTERN_ADMIN_EMAIL && parsed.POSTERN_ADMIN_PASSWORD
        ? { email: parsed.POSTERN_ADMIN_EMAIL.toLowerCase(), password: parsed.POSTERN_ADMIN_PASSWORD }
        : undefined,
    setupTokenTtlMinutes: parsed.SETUP_TOKEN_TTL_MINUTES ?? 60,
    oauthAccessTokenTtlSeconds: parsed.OAUTH_ACCESS_TOKEN_TTL_SECONDS ?? 900,
    oauthRegistrationsPerHour: parsed.OAUTH_REGISTRATIONS_PER_HOUR ?? 60,
    trustProxy: parsed.TRUST_PROXY ?? ['loopback'],
    allowedHosts: [...new Set([publicHost, 'localhost', '127.0.0.1', '[::1]', ...(parsed.ALLOWED_HOSTS ?? [])])],
    media: {
      storage: parsed.MEDIA_STORAGE ?? 'local',
      s3:
        parsed.MEDIA_STORAGE === 's3'
          ? {
              bucket: parsed.S3_BUCKET as string,
              region: parsed.S3_REGION ?? 'us-east-1',
              endpoint: parsed.S3_ENDPOINT?.replace(/\/+$/, ''),
              accessKeyId: parsed.S3_ACCESS_KEY_ID as string,
              secretAccessKey: parsed.S3_SECRET_ACCESS_KEY as string,
              forcePathStyle: parsed.S3_FORCE_PATH_STYLE ?? false,
            }
          : undefined,
      maxImageBytes: parsed.MEDIA_MAX_IMAGE_BYTES ?? MEDIA_DEFAULTS.maxImageBytes,
      maxVideoBytes: parsed.MEDIA_MAX_VIDEO_BYTES ?? MEDIA_DEFAULTS.maxVideoBytes,
      maxInlineBytes: parsed.MEDIA_MAX_INLINE_BYTES ?? MEDIA_DEFAULTS.maxInlineBytes,
      fetchTimeoutMs: (parsed.MEDIA_FETCH_TIMEOUT_SECONDS ?? MEDIA_DEFAULTS.fetchTimeoutSeconds) * 1000,
      maxConcurrentUploads: parsed.MEDIA_MAX_CONCURRENT_UPLOADS ?? MEDIA_DEFAULTS.maxConcurrentUploads,
    },
  };
}
