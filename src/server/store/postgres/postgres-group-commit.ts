/**
 * Group commit for appends, per room: while one transaction of a room is in flight, the appends
 * to that room that arrive on this node wait here (not on the row lock, holding a connection)
 * and then run together in the next transaction: one lock, one commit, one fsync. Each append's
 * promise settles only after its transaction committed.
 */
import type { AppendInput, AppendResult } from '../room-log.ts';
import { appendIn } from './postgres-append.ts';
import { appendBatch, batchable } from './postgres-batch.ts';
import { pgCode, rolledBack, type PgDb, type Queryable } from './postgres-db.ts';

/** Appends of one room in one transaction, at most. */
const MAX_BATCH = 64;
const UNIQUE_VIOLATION = '23505';

interface Pending {
  readonly input: AppendInput;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

/** The inputs in order, in one transaction: runs of batchable ones together, the others one by one. */
async function appendAll(c: Queryable, room: string, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
  const out: AppendResult[] = [];
  for (let i = 0; i < inputs.length;) {
    let j = i;
    while (j < inputs.length && batchable(inputs[j]!)) j++;
    if (j - i > 1) {
      out.push(...(await appendBatch(c, room, inputs.slice(i, j))));
      i = j;
    } else out.push(await appendIn(c, inputs[i++]!));
  }
  return out;
}

export class RoomGroupCommit {
  readonly #db: PgDb;
  readonly #queues = new Map<string, Pending[]>();
  readonly #draining = new Set<Promise<void>>();

  constructor(db: PgDb) {
    this.#db = db;
  }

  append(input: AppendInput): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      const queue = this.#queues.get(input.room);
      if (queue) {
        queue.push({ input, resolve, reject });
        return;
      }
      this.#queues.set(input.room, [{ input, resolve, reject }]);
      const drain = this.#drain(input.room);
      this.#draining.add(drain);
      void drain.then(() => this.#draining.delete(drain));
    });
  }

  /** Resolves when every queued append has settled. */
  async idle(): Promise<void> {
    while (this.#draining.size > 0) await Promise.all([...this.#draining]);
  }

  /** Runs the room's queue batch by batch until it is empty. */
  async #drain(room: string): Promise<void> {
    const queue = this.#queues.get(room)!;
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      try {
        const results = await this.#db.tx((c) =>
          appendAll(
            c,
            room,
            batch.map((p) => p.input),
          ),
        );
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (err) {
        // Rolled back by the server: each one alone, in order, so one bad append fails alone.
        // Anything else (a lost connection, even at COMMIT) may have committed: never run it again.
        if (batch.length > 1 && rolledBack(err)) for (const p of batch) await this.#alone(p);
        else if (batch.length === 1 && pgCode(err) === UNIQUE_VIOLATION) await this.#alone(batch[0]!);
        else for (const p of batch) p.reject(err);
      }
      queue.splice(0, batch.length);
    }
    this.#queues.delete(room);
  }

  /**
   * One append in its own transaction. A unique violation means another node stored the same
   * (room, sender, cid) first: run again, it reads that event and answers duplicate or conflict.
   */
  async #alone(p: Pending): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        p.resolve(await this.#db.tx((c) => appendIn(c, p.input)));
        return;
      } catch (err) {
        if (attempt < 3 && pgCode(err) === UNIQUE_VIOLATION) continue;
        p.reject(err);
        return;
      }
    }
  }
}
