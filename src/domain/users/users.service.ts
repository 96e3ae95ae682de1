import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { EntityManager, Repository } from 'typeorm';
import { AuditContext } from '../../audit/audit-context';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError } from '../../common/app-error';
import { endConsoleSessions, suspendedAccess, type SuspendedAccess } from './account-standing';
import { UserEntity, type UserStatus } from './user.entity';
import { canNameAccount, isAccountEmail, normalisedEmail, passwordProblem } from './credential-rules';

export interface StatusChange {
  user: UserEntity;
  /** False when the account already had this status: nothing was written. */
  changed: boolean;
  sessionsEnded: number;
  /** Only when disabling. */
  suspended?: SuspendedAccess;
}

export interface CreateUserInput {
  email: string;
  password: string;
}

/** A new password checked against the account rules, then hashed: one rule for creating and resetting. */
async function hashedNewPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('validation_failed', problem.message, [{ field: 'password', issue: problem.issue }]);
  return argon2.hash(password, { type: argon2.argon2id });
}

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= argon2.hash('postern-timing-equaliser', { type: argon2.argon2id }));

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly audited: AuditedTransactions,
  ) {}

  async create(input: CreateUserInput, manager?: EntityManager): Promise<UserEntity> {
    const email = normalisedEmail(input.email);
    if (!isAccountEmail(email))
      throw new AppError('validation_failed', 'email is not a valid address', [{ field: 'email', issue: 'invalid' }]);
    const passwordHash = await hashedNewPassword(input.password);
    const insert = async (m: EntityManager) => {
      const repo = m.getRepository(UserEntity);
      if (await repo.exists({ where: { email } }))
        throw new AppError('conflict', `a user with email ${email} already exists`);
      return repo.save(repo.create({ email, passwordHash, status: 'active' }));
    };
    return manager ? insert(manager) : this.audited.run(insert);
  }

  /**
   * Disables or re-enables an account. A disabled account cannot sign in, its console sessions end
   * with the change, and its API keys and agent connections are refused from their next call on any
   * instance (the status moves the access epoch). Those are suspended, not revoked: they work again
   * if the account is re-enabled, so an operator who means to end them revokes them too.
   */
  async setStatus(email: string, status: UserStatus): Promise<StatusChange> {
    return this.audited.run(async (m) => {
      const user = await this.lockedByEmail(m, email);
      AuditContext.noteResult('account', {
        user_id: user.id,
        account_status: status,
        previous_account_status: user.status,
      });
      if (user.status === status) {
        const draft = AuditContext.current();
        if (draft) draft.reason = `no change: the account was already ${status}`;
        return { user, changed: false, sessionsEnded: 0 };
      }
      await m.query(`UPDATE users SET status = $2, updated_at = now() WHERE id = $1`, [user.id, status]);
      const changed = { user: { ...user, status }, changed: true };
      if (status === 'active') return { ...changed, sessionsEnded: 0 };
      return {
        ...changed,
        sessionsEnded: await endConsoleSessions(m, user.id),
        suspended: await suspendedAccess(m, user.id),
      };
    });
  }

  /**
   * Sets a new password (the same rules as a new account's) and ends the account's console
   * sessions: whoever held one, perhaps with the old password, signs in again. Agent connections
   * and API keys are left alone; they never held the password.
   *
   * `unchangedSince`: the hash the caller checked the current password against. The change is
   * refused (`conflict`) if the account is no longer active or its password changed since, so a
   * person's own change cannot undo an operator's reset made while it ran. `then` runs in the same
   * transaction, with the account as changed (the console opens the changing browser's session).
   */
  async setPassword(
    email: string,
    password: string,
    o: { unchangedSince?: string; then?: (m: EntityManager, changed: UserEntity) => Promise<void> } = {},
  ): Promise<{ user: UserEntity; sessionsEnded: number }> {
    const passwordHash = await hashedNewPassword(password);
    return this.audited.run(async (m) => {
      const user = await this.lockedByEmail(m, email);
      if (o.unchangedSince !== undefined && (user.status !== 'active' || user.passwordHash !== o.unchangedSince))
        throw new AppError('conflict', 'the account changed meanwhile (a new password, or disabled); sign in again');
      await m.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [user.id, passwordHash]);
      AuditContext.noteResult('account', { user_id: user.id, password_changed: true });
      const sessionsEnded = await endConsoleSessions(m, user.id);
      await o.then?.(m, { ...user, passwordHash });
      return { user, sessionsEnded };
    });
  }

  /** Every account, by email. */
  list(): Promise<UserEntity[]> {
    return this.users.find({ order: { email: 'ASC' } });
  }

  /**
   * The active user with this email and password, or undefined. A missing user costs the same
   * argon2 work as a wrong password, so timing does not reveal which emails exist.
   */
  async verifyPassword(email: string, password: string): Promise<UserEntity | undefined> {
    const user = await this.findByEmail(email);
    const hash = user?.passwordHash ?? (await dummyHash());
    const ok = await argon2.verify(hash, password).catch(() => false);
    return ok && user?.status === 'active' ? user : undefined;
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  /** Something that cannot be an address (a NUL, say, which PostgreSQL refuses) belongs to nobody. */
  async findByEmail(email: string): Promise<UserEntity | null> {
    const normalised = normalisedEmail(email);
    if (!canNameAccount(normalised)) return null;
    return this.users.findOne({ where: { email: normalised } });
  }

  private async lockedByEmail(m: EntityManager, email: string): Promise<UserEntity> {
    const normalised = normalisedEmail(email);
    const user = canNameAccount(normalised)
      ? await m.getRepository(UserEntity).findOne({ where: { email: normalised }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!user) throw new AppError('not_found', `no user with email ${normalised}`);
    return user;
  }

  async count(): Promise<number> {
    return this.users.count();
  }
}
