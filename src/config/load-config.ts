import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import * as path from 'node:path';
import { CONFIG_DOCS, EnvSchema } from './app-config';
import { ConfigError } from './config.errors';
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
  if (problems.length) throw new ConfigError(problems);

  const port = parsed.PORT ?? 3000;
  const publicUrl = (parsed.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const publicHost = new URL(publicUrl).hostname;
  return {
    port,
    host: parsed.HOST ?? '127.0.0.1',
    publicUrl,
    databaseUrl: parsed.DATABASE_URL,
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
    allowedHosts: [...new Set([publicHost, 'localhost', '127.0.0.1', '[::1]', ...(parsed.ALLOWED_HOSTS ?? [])])],
  };
}
