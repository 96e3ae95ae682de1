import type { DataSource } from 'typeorm';
import type { SecretBox } from '../common/crypto/secret-box';
import { returningRows } from '../database/returning-rows';
import { OAuthUnit } from './oauth-unit-of-work';

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };

/** Registered clients that nobody uses for this long are forgotten. */
const CLIENT_IDLE_SECONDS = 30 * 24 * 3600;
/**
 * Use pushes a registration's end back only once it has less than this left: at most once a day. A
 * write at every lookup would open each request's transaction before its client is known (see
 * OAuthUnitOfWork) and queue a client's concurrent requests on its row.
 */
const CLIENT_RENEW_BELOW_SECONDS = CLIENT_IDLE_SECONDS - 24 * 3600;

/**
 * oidc-provider's storage, in PostgreSQL. Every artifact (code, refresh token, grant, client,
 * session, interaction) is sealed with AES-GCM and found by a keyed digest of its id, so a copy of
 * the table yields neither usable tokens nor client secrets.
 */
export function createOAuthAdapter(
  dataSource: DataSource,
  box: SecretBox,
  InvalidGrant: new (description: string) => Error,
) {
  const keyOf = (model: string, id: string) => box.digest(`${model}:${id}`);
  const query = <T = unknown>(sql: string, params: unknown[]) => OAuthUnit.query<T>(dataSource, sql, params);
  const read = <T = unknown>(sql: string, params: unknown[]) => OAuthUnit.read<T>(dataSource, sql, params);

  return class PostgresOAuthAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const seconds = expiresIn ?? (this.model === 'Client' ? CLIENT_IDLE_SECONDS : undefined);
      await query(
        `INSERT INTO oauth_artifacts (key, model, payload, grant_key, uid_key, user_code_key, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
         ON CONFLICT (key) DO UPDATE SET payload = EXCLUDED.payload, grant_key = EXCLUDED.grant_key,
           uid_key = EXCLUDED.uid_key, user_code_key = EXCLUDED.user_code_key, expires_at = EXCLUDED.expires_at`,
        [
          keyOf(this.model, id),
          this.model,
          box.seal(JSON.stringify(payload)),
          payload.grantId ? box.digest(`grant:${payload.grantId}`) : null,
          payload.uid ? box.digest(`uid:${payload.uid}`) : null,
          payload.userCode ? box.digest(`user_code:${payload.userCode}`) : null,
          seconds ?? null,
        ],
      );
    }

    async find(id: string): Promise<Payload | undefined> {
      const key = keyOf(this.model, id);
      const found = await this.row('key', key);
      if (
        found &&
        this.model === 'Client' &&
        found.remaining !== null &&
        found.remaining < CLIENT_RENEW_BELOW_SECONDS
      ) {
        // Use keeps a registration alive; see CLIENT_IDLE_SECONDS.
        await query(`UPDATE oauth_artifacts SET expires_at = now() + make_interval(secs => $2::int) WHERE key = $1`, [
          key,
          CLIENT_IDLE_SECONDS,
        ]);
      }
      return found?.payload;
    }

    findByUid(uid: string): Promise<Payload | undefined> {
      return this.load('uid_key', box.digest(`uid:${uid}`));
    }

    findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.load('user_code_key', box.digest(`user_code:${userCode}`));
    }

    /**
     * Marks a code or refresh token used, exactly once: of two requests racing with the same code,
     * only the one whose UPDATE flips consumed_at wins; the other is refused and the grant revoked.
     * A code already gone is refused too: a losing racer's revocation deletes it while a third
     * request, which found it a moment before, is about to consume it.
     */
    async consume(id: string): Promise<void> {
      const payload = await this.load('key', keyOf(this.model, id));
      if (!payload) throw new InvalidGrant('grant request is invalid');
      payload.consumed = Math.floor(Date.now() / 1000);
      const won = returningRows<{ key: string }>(
        await query(
          `UPDATE oauth_artifacts SET payload = $2, consumed_at = now() WHERE key = $1 AND consumed_at IS NULL RETURNING key`,
          [keyOf(this.model, id), box.seal(JSON.stringify(payload))],
        ),
      );
      if (!won.length) {
        if (payload.grantId) await this.revokeByGrantId(payload.grantId);
        throw new InvalidGrant('grant request is invalid');
      }
    }

    async destroy(id: string): Promise<void> {
      await query(`DELETE FROM oauth_artifacts WHERE key = $1`, [keyOf(this.model, id)]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await query(`DELETE FROM oauth_artifacts WHERE grant_key = $1`, [box.digest(`grant:${grantId}`)]);
    }

    private async load(column: 'key' | 'uid_key' | 'user_code_key', value: string): Promise<Payload | undefined> {
      return (await this.row(column, value))?.payload;
    }

    /** A live artifact and the seconds it has left (null: no end). */
    private async row(
      column: 'key' | 'uid_key' | 'user_code_key',
      value: string,
    ): Promise<{ payload: Payload; remaining: number | null } | undefined> {
      const [row] = await read<{ payload: string; remaining: number | null }[]>(
        `SELECT payload, extract(epoch FROM expires_at - now())::float8 AS remaining FROM oauth_artifacts
          WHERE ${column} = $1 AND model = $2 AND (expires_at IS NULL OR expires_at > now())`,
        [value, this.model],
      );
      return row ? { payload: JSON.parse(box.open(row.payload)) as Payload, remaining: row.remaining } : undefined;
    }
  };
}
