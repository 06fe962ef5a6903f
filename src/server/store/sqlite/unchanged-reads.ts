/**
 * Reads kept while the database has not changed: any row written since, by this connection
 * (`total_changes()`) or by another one (`data_version`: the store worker's writer), drops them
 * all. For reads that every connection repeats in a storm that writes nothing: after a restart,
 * 10,000 resumes of members read their room's receipts and members (their peers), and a member's
 * re-join writes no row (≈ 110 + 55 µs each in the storm's profile, for the same answers).
 * Never used inside a transaction, whose reads may see rows a rollback takes back.
 */
import type Database from 'better-sqlite3';

/**
 * Entries kept at most: a storm's working set (100 rooms' receipts, members and rows in the
 * restart of 10,000), not every room a long quiet spell reads; an entry may be a big room's members.
 */
const MAX_ENTRIES = 10_000;

/** A read answered from what was kept, or read and kept. */
export type KeptRead = <T>(key: string, read: () => T) => T;

export class UnchangedReads {
  readonly #db: Database.Database;
  readonly #version;
  #changes = -1;
  #dataVersion = -1;
  readonly #kept = new Map<string, unknown>();

  constructor(db: Database.Database) {
    this.#db = db;
    this.#version = db.prepare<[], { changes: number; data: number }>(
      'SELECT total_changes() AS changes, data_version AS data FROM pragma_data_version',
    );
  }

  /** `read()`'s answer for `key`, from the last read when nothing has changed since. */
  get<T>(key: string, read: () => T): T {
    return this.current()(key, read);
  }

  /**
   * Checks once that nothing changed, for several reads made in the same synchronous call (no
   * write can come between them): a user's peers read each of their rooms' members.
   */
  current(): KeptRead {
    if (this.#db.inTransaction) return (_key, read) => read();
    const v = this.#version.get() as { changes: number; data: number };
    if (v.changes !== this.#changes || v.data !== this.#dataVersion) {
      this.#kept.clear();
      this.#changes = v.changes;
      this.#dataVersion = v.data;
    }
    return <T>(key: string, read: () => T): T => {
      if (this.#kept.has(key)) return this.#kept.get(key) as T;
      const value = read();
      if (this.#kept.size >= MAX_ENTRIES) this.#kept.clear();
      this.#kept.set(key, value);
      return value;
    };
  }
}
