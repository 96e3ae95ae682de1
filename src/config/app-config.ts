import { Transform } from 'class-transformer';
import {
  IsBoolean,
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
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import ipaddr from 'ipaddr.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const MEDIA_STORAGES = ['local', 's3'] as const;
export type MediaStorageKind = (typeof MEDIA_STORAGES)[number];

const MIB = 1024 * 1024;
/** Defaults of the media size caps, in bytes; `loadConfig` and the `/mcp` body limit both read them. */
export const MEDIA_DEFAULTS = {
  maxImageBytes: 10 * MIB,
  maxVideoBytes: 512 * MIB,
  maxInlineBytes: 8 * MIB,
  fetchTimeoutSeconds: 30,
  maxConcurrentUploads: 4,
} as const;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};
/** Express's names for address ranges, the only words TRUST_PROXY takes besides addresses. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR range or one of PROXY_RANGES: never a hop count or `true`, which any client could spoof. */
function isProxyAddress(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (PROXY_RANGES.includes(value)) return true;
  const [address, bits, extra] = value.split('/');
  const written = ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address);
  if (!written || extra !== undefined) return false;
  // A range of everything (/0) would let any client choose its address; Express refuses it too.
  return bits === undefined || (ipaddr.isValidCIDR(value) && Number(bits) >= 1);
}

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
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  DATABASE_STATEMENT_TIMEOUT_SECONDS?: number;

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
  @IsString()
  // Checked by the account rules themselves (load-config), as every account's address is.
  POSTERN_ADMIN_EMAIL?: string;

  @ValidateIf((o: EnvSchema) => o.POSTERN_ADMIN_EMAIL !== undefined || o.POSTERN_ADMIN_PASSWORD !== undefined)
  @IsString({ message: 'POSTERN_ADMIN_PASSWORD is required with POSTERN_ADMIN_EMAIL' })
  // Its length and content are checked by the account rules themselves (load-config).
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
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  OAUTH_REGISTRATIONS_PER_HOUR?: number;

  @IsOptional()
  @Transform(toList)
  @IsString({ each: true })
  @Matches(/^[\w.:-]+$/, { each: true })
  ALLOWED_HOSTS?: string[];

  @IsOptional()
  @Transform(toList)
  @ValidateBy(
    { name: 'isProxyAddress', validator: { validate: (v: unknown) => Array.isArray(v) && v.every(isProxyAddress) } },
    { message: `TRUST_PROXY must list addresses, CIDR ranges or ${PROXY_RANGES.join(', ')}` },
  )
  TRUST_PROXY?: string[];

  @IsOptional()
  @IsIn(MEDIA_STORAGES, { message: `MEDIA_STORAGE must be one of ${MEDIA_STORAGES.join(', ')}` })
  MEDIA_STORAGE?: MediaStorageKind;

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be an S3 bucket name' })
  S3_BUCKET?: string;

  @IsOptional()
  @Matches(/^[a-z0-9-]{1,40}$/, { message: 'S3_REGION must be a region name such as eu-central-1' })
  S3_REGION?: string;

  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'S3_ENDPOINT must be an http(s) URL' },
  )
  S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7E]{1,256}$/, { message: 'S3_ACCESS_KEY_ID must be printable ASCII without spaces' })
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7E]{1,512}$/, { message: 'S3_SECRET_ACCESS_KEY must be printable ASCII without spaces' })
  S3_SECRET_ACCESS_KEY?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'S3_FORCE_PATH_STYLE must be true or false' })
  S3_FORCE_PATH_STYLE?: boolean;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1024 * MIB, { message: 'MEDIA_MAX_IMAGE_BYTES must be at most 1 GiB' })
  MEDIA_MAX_IMAGE_BYTES?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(2048 * MIB, { message: 'MEDIA_MAX_VIDEO_BYTES must be at most 2 GiB' })
  MEDIA_MAX_VIDEO_BYTES?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(64 * MIB, { message: 'MEDIA_MAX_INLINE_BYTES must be at most 64 MiB' })
  MEDIA_MAX_INLINE_BYTES?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600)
  MEDIA_FETCH_TIMEOUT_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  MEDIA_MAX_CONCURRENT_UPLOADS?: number;
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
  DATABASE_STATEMENT_TIMEOUT_SECONDS: {
    default: '`30`',
    description:
      'Longest a statement of the server may take on PostgreSQL, lock waits included (1–3600); a call held up longer fails (5xx) rather than hang, and a transaction left idle twice as long is ended. The embedded database cannot enforce it. Migrations and CLI commands are not bounded.',
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
      'At least 32 characters; encrypts stored secrets, signs tokens and keys the audit chain (keep it: changing it breaks `audit verify` for records already written). Embedded mode generates one into `DATA_DIR/secret.key` (0600); required with `DATABASE_URL`.',
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
  OAUTH_REGISTRATIONS_PER_HOUR: {
    default: '`60`',
    description:
      'OAuth client registrations (`POST /oauth/register`, which needs no credential) one client address may make per hour, 1–100000 (all addresses together: 20 times that); more are refused with 429 and `Retry-After`. Counted per address as `TRUST_PROXY` gives it, across instances when `REDIS_URL` is set.',
  },
  ALLOWED_HOSTS: {
    default: '(PUBLIC_URL host, localhost, 127.0.0.1, [::1])',
    description: 'Extra comma-separated Host names accepted by `/mcp` (DNS-rebinding protection).',
  },
  TRUST_PROXY: {
    default: '`loopback`',
    description:
      "Comma-separated addresses or CIDR ranges of your reverse proxies (or `loopback`, `linklocal`, `uniquelocal`), whose `X-Forwarded-For` gives the client address that sign-in limits count and whose `X-Forwarded-Proto` says a request came over https. Behind a proxy on another host, set it: otherwise every client shares the proxy's address, and 30 failed sign-ins lock everyone out; with an https `PUBLIC_URL`, OAuth sign-ins are refused (see Operations).",
  },
  MEDIA_STORAGE: {
    default: '`local`',
    description: '`local`: media files under `DATA_DIR/media` (0700/0600). `s3`: an S3 or S3-compatible bucket.',
  },
  S3_BUCKET: { default: '(unset)', description: 'Bucket for media; required with `MEDIA_STORAGE=s3`.' },
  S3_REGION: { default: '`us-east-1`', description: 'Region of the bucket.' },
  S3_ENDPOINT: {
    default: '(unset: AWS)',
    description: 'Endpoint of an S3-compatible store (MinIO, R2, Ceph…), e.g. `https://minio.internal:9000`.',
  },
  S3_ACCESS_KEY_ID: { default: '(unset)', description: 'Access key id; required with `MEDIA_STORAGE=s3`.' },
  S3_SECRET_ACCESS_KEY: { default: '(unset)', description: 'Secret access key; required with `MEDIA_STORAGE=s3`.' },
  S3_FORCE_PATH_STYLE: {
    default: '`false`',
    description:
      'Address the bucket as `endpoint/bucket` instead of `bucket.endpoint`; most S3-compatible stores need `true`.',
  },
  MEDIA_MAX_IMAGE_BYTES: { default: '`10485760` (10 MiB)', description: 'Largest image accepted, in bytes.' },
  MEDIA_MAX_VIDEO_BYTES: {
    default: '`536870912` (512 MiB)',
    description:
      'Largest video accepted, in bytes. A media URL import downloads at most the larger of this and the image cap.',
  },
  MEDIA_MAX_INLINE_BYTES: {
    default: '`8388608` (8 MiB)',
    description:
      'Largest file sent inline as base64 (`upload_media` over MCP), decoded; `/mcp` admits a request body that large.',
  },
  MEDIA_FETCH_TIMEOUT_SECONDS: {
    default: '`30`',
    description: 'Time allowed to download a media URL (lookups, redirects and body), 1–600 seconds.',
  },
  MEDIA_MAX_CONCURRENT_UPLOADS: {
    default: '`4`',
    description:
      'Uploads (multipart, URL imports, inline) one instance processes at once, each streamed to `DATA_DIR/tmp`; more are refused with 429 and `Retry-After`.',
  },
};
