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
    redisUrl: undefined,
    dataDir: path.resolve('./data'),
    logLevel: 'info',
    secretKey: undefined,
    runMigrations: true,
    admin: undefined,
    setupTokenTtlMinutes: 60,
    allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
    oauthAccessTokenTtlSeconds: 900,
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
      });
      expect(config).toMatchObject({
        host: '0.0.0.0',
        databaseUrl: 'postgres://postern@db:5432/postern',
        redisUrl: 'rediss://cache:6380',
        secretKey: VALID_SECRET,
        logLevel: 'warn',
        setupTokenTtlMinutes: 15,
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
      ['REDIS_URL', { REDIS_URL: 'http://cache:6379' }],
      ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
      ['SECRET_KEY', { SECRET_KEY: 'k'.repeat(513) }],
      ['RUN_MIGRATIONS', { RUN_MIGRATIONS: 'yes' }],
      ['POSTERN_ADMIN_EMAIL', { POSTERN_ADMIN_EMAIL: 'not-an-email', POSTERN_ADMIN_PASSWORD: 'long enough password' }],
      ['SETUP_TOKEN_TTL_MINUTES', { SETUP_TOKEN_TTL_MINUTES: '1' }],
      ['SETUP_TOKEN_TTL_MINUTES', { SETUP_TOKEN_TTL_MINUTES: 'soon' }],
      ['ALLOWED_HOSTS', { ALLOWED_HOSTS: 'ok.example.com, bad host' }],
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

    it('refuses a password shorter than 12 characters', () => {
      const error = configErrorOf({ POSTERN_ADMIN_EMAIL: 'owner@example.com', POSTERN_ADMIN_PASSWORD: 'x'.repeat(11) });
      expect(error.problems).toEqual(['POSTERN_ADMIN_PASSWORD: POSTERN_ADMIN_PASSWORD must be at least 12 characters']);
    });

    it('returns the admin with a lower-cased email when both are valid', () => {
      const config = loadConfig({ POSTERN_ADMIN_EMAIL: 'Owner@Example.COM', POSTERN_ADMIN_PASSWORD: 'x'.repeat(12) });
      expect(config.admin).toEqual({ email: 'owner@example.com', password: 'x'.repeat(12) });
    });
  });
});
