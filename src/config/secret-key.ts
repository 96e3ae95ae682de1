import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from './config.types';

/**
 * Returns the config with `secretKey` set. In embedded mode with no SECRET_KEY the key is
 * generated on first start and kept in DATA_DIR with 0600 permissions, so restarts keep it.
 */
export function resolveSecretKey(config: AppConfig): AppConfig & { secretKey: string } {
  if (config.secretKey) return { ...config, secretKey: config.secretKey };
  if (config.databaseUrl) throw new Error('SECRET_KEY is required with DATABASE_URL');
  const file = path.join(config.dataDir, 'secret.key');
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) throw new Error(`${file} is readable by other users (mode ${mode.toString(8)}); chmod 600 it`);
  const secretKey = fs.readFileSync(file, 'utf8').trim();
  if (secretKey.length < 32) throw new Error(`${file} holds a key shorter than 32 characters`);
  return { ...config, secretKey };
}
