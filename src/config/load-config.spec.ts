import * as path from 'node:path';
import { ConfigError } from './config.errors';
import type { AppConfig } from './config.types';
import { loadConfig } from './load-config';

const VALID_SECRET = 'k'.repeat(32);

/** Runs loadConfig and returns the ConfigError it must throw. */
function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** The variable each problem line names (`NAME: reason`), sorted. */
function namedVariables(error: ConfigError): string[] {
  return error.problems.map((p) => p.slice(0, p.indexOf(':'))).sort();
}

describe(loadConfig.name, () => {
  const defaults: AppConfig = {
    port: 3000,
    host: '127.0.0.1',
    publicUrl: 'http://localhost:3000',
    databaseUrl: undefined,
    databaseStatementTimeoutMs: 30_000,
    redisUrl: undefined,
    dataDir: path.resolve('./data'),
    logLevel: 'info',
    secretKey: undefined,
    runMigrations: true,
    admin: undefined,
    setupTokenTtlMinutes: 60,
    allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
    trustProxy: ['loopback'],
    oauthAccessTokenTtlSeconds: 900,
    oauthRegistrationsPerHour: 60,
    media: {
      storage: 'local',
      s3: undefined,
      maxImageBytes: 10 * 1024 * 1024,
      maxVideoBytes: 512 * 1024 * 1024,
      maxInlineBytes: 8 * 1024 * 1024,
      fetchTimeoutMs: 30_000,
      maxConcurrentUploads: 4,
    },
  };

  describe('defaults', () => {
    it('returns the documented defaults for an empty environment', () => {
      expect(loadConfig({})).toEqual(defaults);
    });

    it('resolves the default data directory to an absolute path', () => {
      const { dataDir } = loadConfig({});
      expect(path.isAbsolute(dataDir)).toBe(true);
      expect(dataDir).toBe(path.join(process.cwd(), 'data'));
    });

    it('treats empty-string values as unset', () => {
      const env = {
        PORT: '',
        HOST: '',
        PUBLIC_URL: '',
        DATABASE_URL: '',
        REDIS_URL: '',
        DATA_DIR: '',
        LOG_LEVEL: '',
        SECRET_KEY: '',
        RUN_MIGRATIONS: '',
        POSTERN_ADMIN_EMAIL: '',
        POSTERN_ADMIN_PASSWORD: '',
        SETUP_TOKEN_TTL_MINUTES: '',
        ALLOWED_HOSTS: '',
        MEDIA_STORAGE: '',
        S3_BUCKET: '',
        S3_FORCE_PATH_STYLE: '',
        MEDIA_MAX_IMAGE_BYTES: '',
        MEDIA_FETCH_TIMEOUT_SECONDS: '',
      };
      expect(loadConfig(env)).toEqual(defaults);
    });

    it('ignores variables it does not know', () => {
      expect(loadConfig({ NODE_ENV: 'production', SOMETHING_ELSE: 'x' })).toEqual(defaults);
    });

    it('reads the env object it is given without writing to it', () => {
      const env = Object.freeze({ PORT: '4000', LOG_LEVEL: 'debug' });
      const config = loadConfig(env);
      expect(config.port).toBe(4000);
      expect(config.logLevel).toBe('debug');
      expect(env).toEqual({ PORT: '4000', LOG_LEVEL: 'debug' });
    });
  });

  describe('parsing', () => {
    it('derives the public URL from PORT when PUBLIC_URL is unset', () => {
      const config = loadConfig({ PORT: '8080' });
      expect(config.port).toBe(8080);
      expect(config.publicUrl).toBe('http://localhost:8080');
    });

    it('strips trailing slashes from PUBLIC_URL and allows its host', () => {
      const config = loadConfig({ PUBLIC_URL: 'https://postern.example.com:8443//' });
      expect(config.publicUrl).toBe('https://postern.example.com:8443');
      expect(config.allowedHosts).toEqual(['postern.example.com', 'localhost', '127.0.0.1', '[::1]']);
    });

    it('parses ALLOWED_HOSTS as a trimmed comma list, dropping empties and duplicates', () => {
      const config = loadConfig({ ALLOWED_HOSTS: ' a.example.com, ,b.example.com,localhost,a.example.com ' });
      expect(config.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', 'a.example.com', 'b.example.com']);
    });

    it.each([
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ])('reads RUN_MIGRATIONS=%s as %s', (value, expected) => {
      expect(loadConfig({ RUN_MIGRATIONS: value }).runMigrations).toBe(expected);
    });

    it('resolves a relative DATA_DIR against the working directory and keeps an absolute one', () => {
      expect(loadConfig({ DATA_DIR: 'var/postern' }).dataDir).toBe(path.resolve('var/postern'));
      expect(loadConfig({ DATA_DIR: '/srv/postern' }).dataDir).toBe(path.resolve('/srv/postern'));
    });

    it('passes the external services and tuning values through', () => {
      const config = loadConfig({
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://postern@db:5432/postern',
        REDIS_URL: 'rediss://cache:6380',
        SECRET_KEY: VALID_SECRET,
        LOG_LEVEL: 'warn',
        SETUP_TOKEN_TTL_MINUTES: '15',
        DATABASE_STATEMENT_TIMEOUT_SECONDS: '5',
        TRUST_PROXY: '10.0.0.0/8, 192.168.1.7, loopback, fd00::/8',
      });
      expect(config).toMatchObject({
        host: '0.0.0.0',
        databaseUrl: 'postgres://postern@db:5432/postern',
        redisUrl: 'rediss://cache:6380',
        secretKey: VALID_SECRET,
        logLevel: 'warn',
        setupTokenTtlMinutes: 15,
        databaseStatementTimeoutMs: 5000,
        trustProxy: ['10.0.0.0/8', '192.168.1.7', 'loopback', 'fd00::/8'],
      });
    });
  });

  describe('invalid values', () => {
    it('names each bad variable when several are wrong at once', () => {
      const error = configErrorOf({ PORT: 'abc', LOG_LEVEL: 'loud' });
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.name).toBe('ConfigError');
      expect(error.problems).toHaveLength(2);
      expect(namedVariables(error)).toEqual(['LOG_LEVEL', 'PORT']);
      expect(error.message).toContain('PORT:');
      expect(error.message).toContain(
        'LOG_LEVEL: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      );
    });

    it.each<[string, NodeJS.ProcessEnv]>([
      ['PORT', { PORT: '70000' }],
      ['PORT', { PORT: '-1' }],
      ['PORT', { PORT: '3000.5' }],
      ['HOST', { HOST: 'bad host' }],
      ['PUBLIC_URL', { PUBLIC_URL: 'ftp://postern.example.com' }],
      ['PUBLIC_URL', { PUBLIC_URL: 'postern.example.com' }],
      ['DATABASE_URL', { DATABASE_URL: 'mysql://db/postern', SECRET_KEY: VALID_SECRET }],
      ['DATABASE_STATEMENT_TIMEOUT_SECONDS', { DATABASE_STATEMENT_TIMEOUT_SECONDS: '0' }],
      ['DATABASE_STATEMENT_TIMEOUT_SECONDS', { DATABASE_STATEMENT_TIMEOUT_SECONDS: '3601' }],
      ['TRUST_PROXY', { TRUST_PROXY: 'true' }],
      ['TRUST_PROXY', { TRUST_PROXY: '2' }],
      ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/33' }],
      ['TRUST_PROXY', { TRUST_PROXY: '0.0.0.0/0' }],
      ['TRUST_PROXY', { TRUST_PROXY: '::/0' }],
      ['REDIS_URL', { REDIS_URL: 'http://cache:6379' }],
      ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
      ['SECRET_KEY', { SECRET_KEY: 'k'.repeat(513) }],
      ['RUN_MIGRATIONS', { RUN_MIGRATIONS: 'yes' }],
      ['POSTERN_ADMIN_EMAIL', { POSTERN_ADMIN_EMAIL: 'not-an-email', POSTERN_ADMIN_PASSWORD: 'long enough password' }],
      ['SETUP_TOKEN_TTL_MINUTES', { SETUP_TOKEN_TTL_MINUTES: '1' }],
      ['SETUP_TOKEN_TTL_MINUTES', { SETUP_TOKEN_TTL_MINUTES: 'soon' }],
      ['ALLOWED_HOSTS', { ALLOWED_HOSTS: 'ok.example.com, bad host' }],
      ['MEDIA_STORAGE', { MEDIA_STORAGE: 'ftp' }],
      ['S3_BUCKET', { S3_BUCKET: 'Bad_Bucket' }],
      ['S3_ENDPOINT', { S3_ENDPOINT: 'minio:9000' }],
      ['S3_FORCE_PATH_STYLE', { S3_FORCE_PATH_STYLE: 'maybe' }],
      ['S3_SECRET_ACCESS_KEY', { S3_SECRET_ACCESS_KEY: 'has a space' }],
      ['MEDIA_MAX_IMAGE_BYTES', { MEDIA_MAX_IMAGE_BYTES: '10MB' }],
      ['MEDIA_MAX_VIDEO_BYTES', { MEDIA_MAX_VIDEO_BYTES: String(3 * 1024 ** 3) }],
      ['MEDIA_MAX_INLINE_BYTES', { MEDIA_MAX_INLINE_BYTES: '100' }],
      ['MEDIA_FETCH_TIMEOUT_SECONDS', { MEDIA_FETCH_TIMEOUT_SECONDS: '0' }],
    ])('refuses a bad %s and names only it (%j)', (name, env) => {
      expect(namedVariables(configErrorOf(env))).toEqual([name]);
    });

    it('requires SECRET_KEY when DATABASE_URL is set', () => {
      const error = configErrorOf({ DATABASE_URL: 'postgresql://postern@db/postern' });
      expect(namedVariables(error)).toEqual(['SECRET_KEY']);
      expect(error.problems[0]).toContain('required when DATABASE_URL is set');
    });

    it('refuses a SECRET_KEY shorter than 32 characters and accepts one of 32', () => {
      const error = configErrorOf({ SECRET_KEY: 'k'.repeat(31) });
      expect(error.problems).toEqual(['SECRET_KEY: SECRET_KEY must be at least 32 characters']);
      expect(loadConfig({ SECRET_KEY: VALID_SECRET }).secretKey).toBe(VALID_SECRET);
    });

    it('reports both the short key and a bad variable elsewhere together', () => {
      const error = configErrorOf({ SECRET_KEY: 'short', DATABASE_URL: 'postgres://db/postern', PORT: 'x' });
      expect(namedVariables(error)).toEqual(['PORT', 'SECRET_KEY']);
    });
  });

  describe('first admin', () => {
    it('requires POSTERN_ADMIN_PASSWORD with POSTERN_ADMIN_EMAIL', () => {
      const error = configErrorOf({ POSTERN_ADMIN_EMAIL: 'owner@example.com' });
      expect(namedVariables(error)).toEqual(['POSTERN_ADMIN_PASSWORD']);
      expect(error.problems[0]).toContain('POSTERN_ADMIN_PASSWORD is required with POSTERN_ADMIN_EMAIL');
    });

    it.each([
      ['11 characters', 'x'.repeat(11), 'password must be 12 to 256 characters'],
      ['six emoji (12 UTF-16 units)', '🔑'.repeat(6), 'password must be 12 to 256 characters'],
      ['only spaces', ' '.repeat(12), 'password must not be only spaces or invisible characters'],
    ])('refuses a password of %s, as account creation would', (_what, password, message) => {
      const error = configErrorOf({ POSTERN_ADMIN_EMAIL: 'owner@example.com', POSTERN_ADMIN_PASSWORD: password });
      expect(error.problems).toEqual([`POSTERN_ADMIN_PASSWORD: ${message}`]);
    });

    it('refuses an email with an invisible character, as account creation would', () => {
      const error = configErrorOf({
        POSTERN_ADMIN_EMAIL: 'owner\u200b@example.com',
        POSTERN_ADMIN_PASSWORD: 'x'.repeat(12),
      });
      expect(namedVariables(error)).toEqual(['POSTERN_ADMIN_EMAIL']);
    });

    it('returns the admin with a lower-cased email when both are valid', () => {
      const config = loadConfig({ POSTERN_ADMIN_EMAIL: 'Owner@Example.COM', POSTERN_ADMIN_PASSWORD: 'x'.repeat(12) });
      expect(config.admin).toEqual({ email: 'owner@example.com', password: 'x'.repeat(12) });
    });
  });

  describe('media', () => {
    const s3Env = {
      MEDIA_STORAGE: 's3',
      S3_BUCKET: 'postern-media',
      S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      S3_SECRET_ACCESS_KEY: 'secret/+x',
    };

    it('requires the bucket and both credentials with MEDIA_STORAGE=s3, without echoing any value', () => {
      const error = configErrorOf({ MEDIA_STORAGE: 's3', S3_SECRET_ACCESS_KEY: 'do-not-print-me' });
      expect(namedVariables(error)).toEqual(['S3_ACCESS_KEY_ID', 'S3_BUCKET']);
      expect(error.problems).toContain('S3_BUCKET: required when MEDIA_STORAGE=s3');
      expect(error.message).not.toContain('do-not-print-me');
    });

    it('ignores S3 settings unless MEDIA_STORAGE=s3', () => {
      expect(loadConfig({ S3_BUCKET: 'postern-media' }).media.s3).toBeUndefined();
    });

    it('reads an S3-compatible store with defaults for region and addressing style', () => {
      expect(loadConfig(s3Env).media).toMatchObject({
        storage: 's3',
        s3: {
          bucket: 'postern-media',
          region: 'us-east-1',
          endpoint: undefined,
          accessKeyId: 'AKIAEXAMPLE',
          secretAccessKey: 'secret/+x',
          forcePathStyle: false,
        },
      });
      const custom = loadConfig({
        ...s3Env,
        S3_REGION: 'eu-central-1',
        S3_ENDPOINT: 'http://minio.internal:9000/',
        S3_FORCE_PATH_STYLE: 'true',
      });
      expect(custom.media.s3).toMatchObject({
        region: 'eu-central-1',
        endpoint: 'http://minio.internal:9000',
        forcePathStyle: true,
      });
    });

    it('reads the size caps in bytes, the fetch timeout in seconds and the upload slots', () => {
      expect(
        loadConfig({
          MEDIA_MAX_IMAGE_BYTES: '2048',
          MEDIA_MAX_VIDEO_BYTES: '4096',
          MEDIA_MAX_INLINE_BYTES: '1024',
          MEDIA_FETCH_TIMEOUT_SECONDS: '5',
          MEDIA_MAX_CONCURRENT_UPLOADS: '2',
        }).media,
      ).toEqual({
        storage: 'local',
        s3: undefined,
        maxImageBytes: 2048,
        maxVideoBytes: 4096,
        maxInlineBytes: 1024,
        fetchTimeoutMs: 5000,
        maxConcurrentUploads: 2,
      });
    });
  });
});
