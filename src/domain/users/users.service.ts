import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { EntityManager, Repository } from 'typeorm';
import { AuditedTransactions } from '../../audit/audited-transactions.service';
import { AppError } from '../../common/app-error';
import { UserEntity } from './user.entity';
import { canNameAccount, isAccountEmail, normalisedEmail, passwordProblem } from './credential-rules';

export interface CreateUserInput {
  email: string;
  password: string;
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
    const problem = passwordProblem(input.password);
    if (problem)
      throw new AppError('validation_failed', problem.message, [{ field: 'password', issue: problem.issue }]);
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    const insert = async (m: EntityManager) => {
      const repo = m.getRepository(UserEntity);
      if (await repo.exists({ where: { email } }))
        throw new AppError('conflict', `a user with email ${email} already exists`);
      return repo.save(repo.create({ email, passwordHash, status: 'active' }));
    };
    return manager ? insert(manager) : this.audited.run(insert);
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

  async count(): Promise<number> {
    return this.users.count();
  }
}
