import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../access/actor';
import { AuditedTransactions } from '../audit/audited-transactions.service';
import { AppError } from '../common/app-error';
import { SecretBox } from '../common/crypto/secret-box';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { returningRows } from '../database/returning-rows';

/** The account was disabled, or its password changed, after the password was checked. */
export class AccountChangedError extends AppError {
  constructor() {
    super('unauthenticated', 'the account changed while signing in; sign in again');
  }
}

export interface ConsoleSession {
  userId: string;
  csrf: string;
  /** When the password was entered for it. */
  signedInAt: Date;
}

const TTL_HOURS = 12;

/**
 * A signed-in person as the audit trail names them: no workspace and no scopes of their own, since
 * each console page works out the role it acts with.
 */
export function consoleUserActor(userId: string): Actor {
  return { kind: 'user', surface: 'console', userId, grantedScopes: new Set(), scopes: new Set() };
}

/**
 * A person's console login: an opaque random cookie, stored only as a keyed digest. `__Host-`
 * binds it to this exact origin (Secure, Path=/, no Domain); on plain-http loopback the prefix is
 * dropped because browsers refuse Secure cookies there.
 */
@Injectable()
export class ConsoleSessions {
  private readonly box: SecretBox;
  readonly cookieName: string;
  /** Served over https (PUBLIC_URL): cookies are Secure and take the `__Host-` prefix. */
  readonly secure: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig & { secretKey: string },
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audited: AuditedTransactions,
  ) {
    this.box = new SecretBox(config.secretKey, 'console-session');
    this.secure = config.publicUrl.startsWith('https://');
    this.cookieName = this.secure ? '__Host-postern_session' : 'postern_session';
  }

  /**
   * A session for a person whose password was just checked against `verifiedHash`. Refused (and
   * nothing stored) when the account changed since: see `open`.
   */
  async start(res: Response, userId: string, verifiedHash: string): Promise<ConsoleSession> {
    // A session is a change like any other: it exists only if the sign-in's record does.
    const opened = await this.audited.run((m) => this.open(m, userId, verifiedHash));
    this.setCookie(res, opened.token);
    return opened.session;
  }

  /**
   * A new session in the caller's transaction; its cookie is set (`setCookie`) once that commits.
   * Only while the account is active and its password is still the one checked: the account row
   * is share-locked, so a password reset or a disabling committed while the password was being
   * checked refuses the session, and one still running waits for it and then ends it.
   */
  async open(
    m: EntityManager,
    userId: string,
    verifiedHash: string,
  ): Promise<{ token: string; session: ConsoleSession }> {
    const [account] = await m.query<{ password_hash: string; status: string }[]>(
      `SELECT password_hash, status FROM users WHERE id = $1 FOR SHARE`,
      [userId],
    );
    if (account?.status !== 'active' || account.password_hash !== verifiedHash) throw new AccountChangedError();
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const [row] = returningRows<{ created_at: Date }>(
      await m.query(
        `INSERT INTO console_sessions (key, user_id, csrf, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => ${TTL_HOURS}))
         RETURNING created_at`,
        [this.box.digest(token), userId, csrf],
      ),
    );
    return { token, session: { userId, csrf, signedInAt: row.created_at } };
  }

  setCookie(res: Response, token: string): void {
    res.cookie(this.cookieName, token, {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'lax',
      path: '/',
      maxAge: TTL_HOURS * 3600_000,
    });
  }

  async find(req: Request): Promise<ConsoleSession | undefined> {
    const token = parseCookie(req.headers.cookie, this.cookieName);
    if (!token) return undefined;
    const [row] = await this.dataSource.query<{ user_id: string; csrf: string; created_at: Date }[]>(
      `SELECT s.user_id, s.csrf, s.created_at FROM console_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.key = $1 AND s.expires_at > now() AND u.status = 'active'`,
      [this.box.digest(token)],
    );
    return row ? { userId: row.user_id, csrf: row.csrf, signedInAt: row.created_at } : undefined;
  }

  /**
   * Ends this browser's console session, and in the same audited transaction whatever `alsoEnd`
   * ends (the authorization server's sign-in): all of it ends with its record, or none of it does.
   */
  async end(req: Request, res: Response, alsoEnd?: (m: EntityManager) => Promise<void>): Promise<void> {
    const token = parseCookie(req.headers.cookie, this.cookieName);
    if (token || alsoEnd)
      await this.audited.run(async (m) => {
        await alsoEnd?.(m);
        if (token) await m.query(`DELETE FROM console_sessions WHERE key = $1`, [this.box.digest(token)]);
      });
    res.clearCookie(this.cookieName, { path: '/', secure: this.secure, httpOnly: true, sameSite: 'lax' });
  }

  /** A CSRF token for a form that is not behind a session yet (the OAuth interaction pages). */
  formToken(purpose: string): string {
    return this.box.digest(`form:${purpose}`);
  }
}

/** A cookie's value, or undefined; a value that does not decode (a broken %-escape) was never ours, so names nothing. */
export function parseCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}
