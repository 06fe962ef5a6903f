/**
 * Group commit: every write queued in one tick (appends, DM openings, read marks, sessions, last
 * seen…) runs in one transaction with one fsync. Each write's promise settles only after that
 * commit. Each write runs in a savepoint of its own, so one that throws (a unique key taken by a
 * racing write) is rolled back and rejected alone; a failed COMMIT rejects them all. A write alone
 * in its batch (most of them at low rates) needs no savepoint: when it throws, the whole
 * transaction rolls back, which is the same.
 */
import type Database from 'better-sqlite3';

interface Pending {
  readonly run: () => unknown;
  readonly resolve: (r: never) => void;
  readonly reject: (e: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly err: unknown };

export class GroupCommit {
  #pending: Pending[] = [];
  #scheduled = false;
  /** The batch's transaction. */
  readonly #batch: (batch: readonly Pending[]) => Outcome[];
  /** A batch of one. */
  readonly #single: (run: () => unknown) => unknown;
  readonly #afterCommit: (() => void) | undefined;

  /** `afterCommit`: called after each commit, once its writes are settled (to schedule work off their path). */
  constructor(db: Database.Database, afterCommit?: () => void) {
    this.#afterCommit = afterCommit;
    // Inside an open transaction, better-sqlite3 runs a transaction function as a savepoint.
    const one = db.transaction((run: () => unknown) => run());
    // Outside a transaction the same function is BEGIN … COMMIT, rolled back when run throws.
    this.#single = one;
    this.#batch = db.transaction((batch: readonly Pending[]) =>
      batch.map((p): Outcome => {
        try {
          return { ok: true, value: one(p.run) };
        } catch (err) {
          return { ok: false, err };
        }
      }),
    );
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
    let outcomes: Outcome[];
    try {
      outcomes = batch.length === 1 ? [this.#alone(batch[0]!)] : this.#batch(batch);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value as never);
      else p.reject(o.err);
    });
    this.#afterCommit?.();
  }

  /** One write in its own transaction; a throw from the write (not from COMMIT) is its outcome. */
  #alone(p: Pending): Outcome {
    let threw = false;
    try {
      return {
        ok: true,
        value: this.#single(() => {
          try {
            return p.run();
          } catch (err) {
            threw = true;
            throw err;
          }
        }),
      };
    } catch (err) {
      if (threw) return { ok: false, err };
      throw err;
    }
  }
}
