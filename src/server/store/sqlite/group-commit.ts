/**
 * Group commit: every write queued in one tick (appends, DM openings, read marks) runs in one
 * transaction with one fsync. Each write's promise settles only after that commit.
 */
import type Database from 'better-sqlite3';

interface Pending {
  readonly run: () => unknown;
  readonly resolve: (r: never) => void;
  readonly reject: (e: unknown) => void;
}

export class GroupCommit {
  readonly #db: Database.Database;
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Queues `run` (synchronous, inside the shared transaction); resolves with its result once committed. */
  run<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ run, resolve: resolve as (r: never) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued now (also at close, so nothing queued is lost). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    let results: unknown[];
    try {
      results = this.#db.transaction(() => batch.map((p) => p.run()))();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i] as never));
  }
}
