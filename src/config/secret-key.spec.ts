import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppConfig } from './config.types';
import { resolveSecretKey } from './secret-key';

const EXISTING_KEY = 'e'.repeat(48);

describe(resolveSecretKey.name, () => {
  let tmp: string;
  let dataDir: string;

  function configFor(overrides: Partial<AppConfig> = {}): AppConfig {
    return {
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      dataDir,
      logLevel: 'info',
      runMigrations: true,
      databaseStatementTimeoutMs: 30_000,
      oauthAccessTokenTtlSeconds: 900,
      oauthRegistrationsPerHour: 60,
      setupTokenTtlMinutes: 60,
      allowedHosts: ['localhost'],
      trustProxy: ['loopback'],
      media: {
        storage: 'local',
        maxImageBytes: 1024,
        maxVideoBytes: 1024,
        maxInlineBytes: 1024,
        fetchTimeoutMs: 1000,
        maxConcurrentUploads: 1,
      },
      ...overrides,
    };
  }

  function keyFile(): string {
    return path.join(dataDir, 'secret.key');
  }

  function writeKeyFile(content: string, mode: number): void {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(keyFile(), content);
    fs.chmodSync(keyFile(), mode);
  }

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'postern-secret-key-'));
    dataDir = path.join(tmp, 'nested', 'data');
  });

  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('generates a key file readable only by its owner in a new data directory', () => {
    const config = configFor();
    const resolved = resolveSecretKey(config);

    expect(fs.statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(resolved.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(resolved.secretKey).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fs.readFileSync(keyFile(), 'utf8')).toBe(resolved.secretKey);
    expect(resolved).toEqual({ ...config, secretKey: resolved.secretKey });
  });

  it('returns the same key on a second call', () => {
    const first = resolveSecretKey(configFor()).secretKey;
    const second = resolveSecretKey(configFor()).secretKey;
    expect(second).toBe(first);
  });

  it('generates a different key for a different data directory', () => {
    const first = resolveSecretKey(configFor()).secretKey;
    const second = resolveSecretKey(configFor({ dataDir: path.join(tmp, 'other') })).secretKey;
    expect(second).not.toBe(first);
  });

  it('reads an existing key file and trims its trailing newline', () => {
    writeKeyFile(`${EXISTING_KEY}\n`, 0o600);
    expect(resolveSecretKey(configFor()).secretKey).toBe(EXISTING_KEY);
  });

  it.each([0o644, 0o640, 0o604])('refuses a key file with mode %o', (mode) => {
    writeKeyFile(EXISTING_KEY, mode);
    expect(() => resolveSecretKey(configFor())).toThrow(/is readable by other users .*chmod 600/);
  });

  it('refuses a key file holding fewer than 32 characters', () => {
    writeKeyFile('k'.repeat(31), 0o600);
    expect(() => resolveSecretKey(configFor())).toThrow('holds a key shorter than 32 characters');
  });

  it('throws when databaseUrl is set without secretKey, and writes nothing', () => {
    const config = configFor({ databaseUrl: 'postgres://db/postern' });
    expect(() => resolveSecretKey(config)).toThrow('SECRET_KEY is required with DATABASE_URL');
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('uses config.secretKey when given, without touching the data directory', () => {
    const secretKey = 's'.repeat(40);
    const config = configFor({ secretKey, databaseUrl: 'postgres://db/postern' });
    expect(resolveSecretKey(config)).toEqual(config);
    expect(resolveSecretKey(config).secretKey).toBe(secretKey);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('prefers config.secretKey over an existing key file', () => {
    writeKeyFile(EXISTING_KEY, 0o600);
    const secretKey = 's'.repeat(40);
    expect(resolveSecretKey(configFor({ secretKey })).secretKey).toBe(secretKey);
  });
});
