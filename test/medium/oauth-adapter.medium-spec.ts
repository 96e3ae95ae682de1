import { getDataSourceToken } from '@nestjs/typeorm';
import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SecretBox } from '../../src/common/crypto/secret-box';
import { createOAuthAdapter } from '../../src/oauth/oauth-adapter';
import { startServiceContext } from '../support/service-context';

class InvalidGrant extends Error {}

/** oidc-provider's storage: a code is consumed once, whatever the interleaving of the requests. */
describe('OAuth adapter', () => {
  let app: TestingModule;
  let Adapter: ReturnType<typeof createOAuthAdapter>;

  beforeAll(async () => {
    app = await startServiceContext({ poolSize: 4 });
    const box = new SecretBox('a secret key of at least thirty-two characters', 'oauth');
    Adapter = createOAuthAdapter(app.get<DataSource>(getDataSourceToken()), box, InvalidGrant);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function code(): Promise<{ codes: InstanceType<typeof Adapter>; id: string; grantId: string }> {
    const codes = new Adapter('AuthorizationCode');
    const id = randomUUID();
    const grantId = randomUUID();
    await codes.upsert(id, { grantId }, 60);
    return { codes, id, grantId };
  }

  it('lets one of several racing consumes win', async () => {
    const { codes, id } = await code();
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => codes.consume(id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect(r.reason).toBeInstanceOf(InvalidGrant);
  });

  it('refuses to consume a code its grant’s revocation has deleted, as a third racer would try', async () => {
    const { codes, id, grantId } = await code();
    // The interleaving CI met: one request won, a second lost and revoked the grant (deleting the
    // code), and a third that had found the code before calls consume now.
    await codes.consume(id);
    await codes.revokeByGrantId(grantId);
    await expect(codes.consume(id)).rejects.toBeInstanceOf(InvalidGrant);
  });
});
