import { generateKeyPairSync } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../common/crypto/secret-box';

export interface SigningJwks {
  keys: Record<string, unknown>[];
}

/**
 * The authorization server's token-signing key (ES256), generated once and kept sealed in the
 * database so every instance signs and verifies with the same key.
 */
export async function loadSigningKeys(dataSource: DataSource, box: SecretBox): Promise<SigningJwks> {
  const read = async () =>
    (await dataSource.query<{ sealed: string }[]>(`SELECT sealed FROM system_secrets WHERE name = 'oauth_jwks'`))[0];
  let row = await read();
  if (!row) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = {
      ...privateKey.export({ format: 'jwk' }),
      alg: 'ES256',
      use: 'sig',
      kid: `k${Date.now().toString(36)}`,
    };
    // Another instance may win the race; then we use its key.
    await dataSource.query(
      `INSERT INTO system_secrets (name, sealed) VALUES ('oauth_jwks', $1) ON CONFLICT (name) DO NOTHING`,
      [box.seal(JSON.stringify({ keys: [jwk] }))],
    );
    row = await read();
  }
  return JSON.parse(box.open(row.sealed)) as SigningJwks;
}
