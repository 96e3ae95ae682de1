import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SecretBox } from '../../src/common/crypto/secret-box';
import { APP_CONFIG, type AppConfig } from '../../src/config/config.types';

/**
 * The names of the OAuth clients stored, read as the adapter stores them (sealed). Every test file
 * registers clients in the shared database meanwhile, so a test that must show a refused
 * registration stored nothing registers under a name of its own and looks for that name, rather
 * than counting the table.
 */
export async function storedClientNames(app: INestApplicationContext): Promise<string[]> {
  const config = app.get<AppConfig & { secretKey: string }>(APP_CONFIG);
  const box = new SecretBox(config.secretKey, 'oauth');
  const rows = await app
    .get<DataSource>(getDataSourceToken())
    .query<{ payload: string }[]>(`SELECT payload FROM oauth_artifacts WHERE model = 'Client'`);
  // A row sealed under another key (another deployment's test data) names no client of this app.
  return rows.flatMap((r) => {
    try {
      return [String((JSON.parse(box.open(r.payload)) as { client_name?: unknown }).client_name)];
    } catch {
      return [];
    }
  });
}
