import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { AuditFields } from '../audit/audit-record';
import type { AuditWriter } from '../audit/audit-writer.service';

/**
 * One transaction for everything the authorization server stores while answering one request
 * (clients, codes, refresh tokens, grants, sessions), committed together with the request's audit
 * record, or not at all. Opened at the first write: reads before it run on the pool, so a request
 * holds no transaction while it only looks things up — above all not while oidc-provider resolves
 * and fetches a Client ID Metadata Document (seconds, at a stranger's pace), during which the
 * embedded database would serve no other connection and the gate below would stay taken. The audit
 * middleware commits it when the answer is ready: the answer is released after the commit, and a
 * failed record rolls the writes back and answers 503.
 */
export class OAuthUnitOfWork {
  private runner?: Promise<QueryRunner>;
  private done = false;
  private discarded = false;
  private abandoning?: Promise<void>;
  /** Statements started from provider events, which nobody awaits: the commit waits for them. */
  private readonly started: Promise<unknown>[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly gate: Gate,
  ) {}

  /** The manager a write of this request runs on: its transaction, opened now if need be. */
  manager(): Promise<EntityManager> {
    if (this.done) return Promise.reject(new Error('the request’s OAuth transaction has ended'));
    this.runner ??= this.open();
    return this.runner.then((r) => r.manager);
  }

  /**
   * The manager a read of this request runs on: its transaction once a write has opened it (the
   * read must see the request's own writes, and in the embedded database a second connection would
   * wait on that transaction), else none: the caller reads on the pool.
   */
  readManager(): Promise<EntityManager> | undefined {
    return this.runner || this.done ? this.manager() : undefined;
  }

  /** A statement on this transaction that its starter does not await: committed with the rest, or failing the request. */
  track(statement: Promise<unknown>): void {
    this.started.push(statement);
  }

  /**
   * The request is refused for a reason that must leave everything as it was (see the provider's
   * `grant.error` listener): its writes are rolled back at commit, and its record is written alone.
   */
  discard(): void {
    this.discarded = true;
  }

  /** Commits the writes with their record (if the call has not written it already), or writes the record alone. */
  async commit(writer: AuditWriter, record?: AuditFields): Promise<void> {
    if (this.done) throw new Error('the request’s OAuth transaction has ended');
    this.done = true;
    if (this.discarded) {
      await Promise.allSettled(this.started);
      await this.rollBack();
      if (record) await writer.write(record);
      return;
    }
    if (!this.runner) {
      if (record) await writer.write(record);
      return;
    }
    const runner = await this.runner;
    try {
      await Promise.all(this.started);
      if (record) await writer.writeIn(runner.manager, record);
      await runner.commitTransaction();
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await this.close(runner);
    }
  }

  /** True once the client went away: what the request wrote is rolled back, whatever comes after. */
  get abandoned(): boolean {
    return this.abandoning !== undefined;
  }

  /**
   * Ends the transaction without committing: the client went away before its answer. Every caller
   * gets the one rollback to wait for, so a record written after it never queues behind it.
   */
  abandon(): Promise<void> {
    if (this.abandoning) return this.abandoning;
    if (this.done) return Promise.resolve();
    this.done = true;
    this.abandoning = this.rollBack();
    return this.abandoning;
  }

  private async rollBack(): Promise<void> {
    if (!this.runner) return;
    const runner = await this.runner.catch(() => undefined);
    if (!runner) return;
    await runner.rollbackTransaction().catch(() => undefined);
    await this.close(runner);
  }

  private async open(): Promise<QueryRunner> {
    await this.gate.enter();
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      return runner;
    } catch (err) {
      await runner.release().catch(() => undefined);
      this.gate.leave();
      throw err;
    }
  }

  private async close(runner: QueryRunner): Promise<void> {
    await runner.release().catch(() => undefined);
    this.gate.leave();
  }
}

/**
 * At most `limit` requests hold an OAuth transaction at once. A request holding one may still take
 * a second connection from the pool (the user lookup, the audit of other calls), so a pool full of
 * such transactions would wait on itself; the rest of the pool stays free for that.
 */
export class Gate {
  private inside = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  enter(): Promise<void> {
    if (this.inside < this.limit) {
      this.inside += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inside -= 1;
  }
}

/** Where the authorization server's statements run: a request's unit, or a caller's transaction (OAuthUnit.within). */
type OAuthStore = Pick<OAuthUnitOfWork, 'manager' | 'readManager' | 'track' | 'discard'>;

const current = new AsyncLocalStorage<OAuthStore>();

export const OAuthUnit = {
  run<T>(unit: OAuthUnitOfWork, fn: () => T): T {
    return current.run(unit, fn);
  },
  /**
   * Runs `fn`, whose storage statements (a grant ended from the console or with a member's
   * removal) run on the caller's transaction `m`: they commit with its change and its audit record,
   * and in the embedded database a statement on the pool would wait for that transaction forever.
   */
  async within<T>(m: EntityManager, fn: () => Promise<T>): Promise<T> {
    const started: Promise<unknown>[] = [];
    const store: OAuthStore = {
      manager: () => Promise.resolve(m),
      readManager: () => Promise.resolve(m),
      track: (statement) => void started.push(statement),
      discard: () => undefined,
    };
    const value = await current.run(store, fn);
    await Promise.all(started);
    return value;
  },
  /**
   * One writing statement for the authorization server: on the request's transaction inside a
   * request to it (or the caller's, inside OAuthUnit.within), on the pool outside one.
   */
  async query<T>(dataSource: DataSource, sql: string, params: unknown[]): Promise<T> {
    const unit = current.getStore();
    return (unit ? await unit.manager() : dataSource.manager).query<T>(sql, params);
  },
  /**
   * One reading statement: on the request's transaction once it has written, else on the pool
   * (see OAuthUnitOfWork). Never opens the transaction.
   */
  async read<T>(dataSource: DataSource, sql: string, params: unknown[]): Promise<T> {
    const manager = current.getStore()?.readManager();
    return (manager ? await manager : dataSource.manager).query<T>(sql, params);
  },
  /** Inside a request to the authorization server: nothing it wrote is kept, only its record (OAuthUnitOfWork.discard). */
  discard(): void {
    current.getStore()?.discard();
  },
  /**
   * query, for a provider event handler, which cannot be awaited: inside a request, the request's
   * commit waits for the statement, and its failure rolls the request back (503) like any other.
   */
  start(dataSource: DataSource, sql: string, params: unknown[]): Promise<unknown> {
    const statement = OAuthUnit.query(dataSource, sql, params);
    current.getStore()?.track(statement);
    return statement;
  },
};
