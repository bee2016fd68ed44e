// Group commit. The writes of the requests served in one turn of the event loop go into one
// transaction, committed once when the turn ends (setImmediate), and each of those requests is
// answered only after that commit (the onSend hook in server/app.ts). A commit writes every page its
// transaction changed to the write-ahead log, and the requests of a turn change mostly the same
// pages: the tails of the operations table and its indexes, the VM's row, the database header. Under
// concurrent load a page is then written once per turn rather than once per request (bench/README.md,
// round 5). Nothing is acknowledged before it is committed, and a commit that fails fails every
// request of its turn, so what a client was told is stored is stored (docs/reliability.md).

import type { Db } from './database.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WriteBatch {
  /** The turn's transaction is open: BEGIN was run here and its commit is scheduled. */
  private pending = false;
  private waiters: Waiter[] = [];
  /** The failure after which SQLite rolled the turn's transaction back itself, if one did. */
  private rolledBackBy: unknown;
  // Made once: better-sqlite3 builds a wrapper per db.transaction() call. Inside the turn's
  // transaction it runs the work in a savepoint, so a failed request undoes its own writes alone.
  private readonly savepoint: (work: () => unknown) => unknown;

  constructor(private readonly db: Db) {
    this.savepoint = db.transaction((work: () => unknown) => work());
  }

  /** Runs `work` in the turn's transaction, opening it if none is open. */
  run<T>(work: () => T): T {
    if (!this.db.inTransaction) {
      this.db.exec('BEGIN IMMEDIATE');
      this.pending = true;
      setImmediate(() => this.commit());
    }
    try {
      return this.savepoint(work) as T;
    } catch (error) {
      // SQLite ends a transaction itself after some failures (SQLITE_FULL among them,
      // https://www.sqlite.org/lang_transaction.html): the turn's other writes are gone with it.
      if (this.pending && !this.db.inTransaction) this.rolledBackBy ??= error;
      throw error;
    }
  }

  /** Whether a request answered now must first wait for the turn's commit. */
  get open(): boolean {
    return this.pending;
  }

  /** Resolves once the turn's writes are committed (at once when none are waiting), rejects if they were not. */
  committed(): Promise<void> {
    if (!this.pending) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Commits the turn's transaction now, if one is open: before a checkpoint or closing the database. */
  commit(): void {
    if (!this.pending) return;
    this.pending = false;
    const waiters = this.waiters;
    this.waiters = [];
    let failure: unknown = this.rolledBackBy;
    this.rolledBackBy = undefined;
    if (failure === undefined && !this.db.open) {
      failure = new Error('the database was closed before the writes of this request were committed');
    } else if (failure === undefined && !this.db.inTransaction) {
      failure = new Error('the writes of this request were rolled back before they were committed');
    } else if (failure === undefined) {
      try {
        this.db.exec('COMMIT');
      } catch (error) {
        failure = error;
      }
    }
    // A transaction opened again after SQLite ended the first (the turn went on) goes with it.
    if (failure !== undefined && this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    for (const waiter of waiters) {
      if (failure === undefined) waiter.resolve();
      else waiter.reject(failure);
    }
  }
}
