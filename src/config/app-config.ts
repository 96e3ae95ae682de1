import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

/**
 * The environment as Postern reads it: every variable, validated once at boot.
 * `CONFIG_DOCS` below documents each one; a unit test checks the README table against both.
 */
export class EnvSchema {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  @Matches(/^[\w.:-]+$/, { message: 'HOST must be a host name or IP address' })
  HOST?: string;

  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'PUBLIC_URL must be an http(s) URL' },
  )
  PUBLIC_URL?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  DATA_DIR?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: LogLevel;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SECRET_KEY must be at least 32 characters' })
  @MaxLength(512)
  SECRET_KEY?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'RUN_MIGRATIONS must be true or false' })
  RUN_MIGRATIONS?: boolean;

  @IsOptional()
  @IsEmail({}, { message: 'POSTERN_ADMIN_EMAIL must be an email address' })
  POSTERN_ADMIN_EMAIL?: string;

  @ValidateIf((o: EnvSchema) => o.POSTERN_ADMIN_EMAIL !== undefined || o.POSTERN_ADMIN_PASSWORD !== undefined)
  @IsString({ message: 'POSTERN_ADMIN_PASSWORD is required with POSTERN_ADMIN_EMAIL' })
  @MinLength(12, { message: 'POSTERN_ADMIN_PASSWORD must be at least 12 characters' })
  @MaxLength(256)
  POSTERN_ADMIN_PASSWORD?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(10080)
  SETUP_TOKEN_TTL_MINUTES?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(900, { message: 'OAUTH_ACCESS_TOKEN_TTL_SECONDS must be at most 900 (15 minutes)' })
  OAUTH_ACCESS_TOKEN_TTL_SECONDS?: number;

  @IsOptional()
  @Transform(toList)
  @IsString({ each: true })
  @Matches(/^[\w.:-]+$/, { each: true })
  ALLOWED_HOSTS?: string[];
}

export type EnvName = keyof EnvSchema;

/** One line per variable: default and meaning. Rendered into the README's configuration table. */
export const CONFIG_DOCS: Record<EnvName, { default: string; description: string }> = {
  PORT: { default: '3000', description: 'TCP port of the API, MCP endpoint and console.' },
  HOST: { default: '127.0.0.1', description: 'Interface to listen on. Use `0.0.0.0` in a container.' },
  PUBLIC_URL: {
    default: '`http://localhost:$PORT`',
    description: 'Externally visible base URL; used for OAuth metadata, setup links and allowed Host/Origin.',
  },
  DATABASE_URL: {
    default: '(unset: embedded)',
    description: 'PostgreSQL URL. Unset: an embedded PostgreSQL (PGlite) persisted in `DATA_DIR/pgdata`.',
  },
  REDIS_URL: {
    default: '(unset: in-process)',
    description: 'Redis URL for the publishing queue and limits. Unset: in-process queue (one instance only).',
  },
  DATA_DIR: { default: '`./data`', description: 'Embedded database, generated secret key, local media.' },
  LOG_LEVEL: { default: '`info`', description: `One of ${LOG_LEVELS.join(', ')}.` },
  SECRET_KEY: {
    default: '(generated in embedded mode)',
    description:
      'At least 32 characters; encrypts stored secrets and signs tokens. Embedded mode generates one into `DATA_DIR/secret.key` (0600); required with `DATABASE_URL`.',
  },
  RUN_MIGRATIONS: {
    default: '`true`',
    description: 'Run pending migrations on start. `false`: run `postern migrate` yourself.',
  },
  POSTERN_ADMIN_EMAIL: {
    default: '(unset)',
    description: 'With `POSTERN_ADMIN_PASSWORD`, creates the owner account and a first workspace on an empty database.',
  },
  POSTERN_ADMIN_PASSWORD: { default: '(unset)', description: 'Password for that owner (at least 12 characters).' },
  SETUP_TOKEN_TTL_MINUTES: {
    default: '`60`',
    description: 'Lifetime of the one-time setup link printed on first start.',
  },
  OAUTH_ACCESS_TOKEN_TTL_SECONDS: {
    default: '`900`',
    description: 'Lifetime of OAuth access tokens for MCP clients, 60–900 seconds; clients refresh them.',
  },
  ALLOWED_HOSTS: {
    default: '(PUBLIC_URL host, localhost, 127.0.0.1)',
    description: 'Extra comma-separated Host names accepted by `/mcp` (DNS-rebinding protection).',
  },
};
