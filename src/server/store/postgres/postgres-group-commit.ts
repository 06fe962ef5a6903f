/**
 * Group commit for appends. A node runs at most MAX_TRANSACTIONS append transactions at once;
 * appends that arrive meanwhile wait here (in memory, holding no connection and no lock) and go
 * together in the next one, from any rooms: one commit and one fsync for all of them. A
 * transaction locks the rows of all its rooms first, in name order (so two transactions, of this
 * node or another, never wait on each other in a circle), then appends each room's inputs in the
 * order they arrived. A room in a transaction takes no part in another until it ends, so a
 * room's appends from one node commit in the order they were asked. Each append's promise
 * settles only after its transaction committed.
 */
import type { AppendInput, AppendResult } from '../room-log.ts';
import { appendIn, lockRooms } from './postgres-append.ts';
import { appendBatch, batchable } from './postgres-batch.ts';
import { pgCode, rolledBack, type PgDb, type Queryable } from './postgres-db.ts';

/** Appends in one transaction, at most. */
const MAX_BATCH = 128;
/** Append transactions of one node at once, at most. */
const MAX_TRANSACTIONS = 4;
const UNIQUE_VIOLATION = '23505';

interface Pending {
  readonly input: AppendInput;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

/** One room's inputs in order: runs of batchable ones together, the others one by one. */
async function appendRoom(c: Queryable, room: string, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
  const out: AppendResult[] = [];
  for (let i = 0; i < inputs.length;) {
    let j = i;
    while (j < inputs.length && batchable(inputs[j]!)) j++;
    if (j - i > 1) {
      out.push(...(await appendBatch(c, inputs.slice(i, j))));
      i = j;
    } else out.push(await appendIn(c, inputs[i++]!));
  }
  return out;
}

/** The inputs (of any rooms) in one transaction; results in the inputs' order. */
async function appendAll(c: Queryable, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
  // Messages, edits, deletes, reactions only (the usual traffic): every room at once.
  if (inputs.length > 1 && inputs.every(batchable)) return appendBatch(c, inputs);
  const byRoom = new Map<string, number[]>();
  inputs.forEach((input, i) => byRoom.set(input.room, [...(byRoom.get(input.room) ?? []), i]));
  const rooms = [...byRoom.keys()].sort();
  if (rooms.length > 1) await lockRooms(c, rooms);
  const results: AppendResult[] = new Array<AppendResult>(inputs.length);
  for (const room of rooms) {
    const at = byRoom.get(room)!;
    const out = await appendRoom(
      c,
      room,
      at.map((i) => inputs[i]!),
    );
    at.forEach((i, k) => (results[i] = out[k]!));
  }
  return results;
}

export class GroupCommit {
  readonly #db: PgDb;
  /** Waiting, in arrival order. */
  #pending: Pending[] = [];
  /** Rooms in a transaction now. */
  readonly #busy = new Set<string>();
  readonly #running = new Set<Promise<void>>();
  #scheduled = false;

  constructor(db: PgDb) {
    this.#db = db;
  }

  append(input: AppendInput): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.push({ input, resolve, reject });
      // The appends of this tick go together.
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  /** Resolves when every append asked so far has settled. */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#pending.length > 0) {
      if (this.#running.size === 0) this.#pump();
      await Promise.all([...this.#running]);
    }
  }

  /** Starts transactions while there are free ones and appends of rooms not in one. */
  #pump(): void {
    while (this.#running.size < MAX_TRANSACTIONS) {
      const batch = this.#take();
      if (batch.length === 0) return;
      const rooms = new Set(batch.map((p) => p.input.room));
      for (const r of rooms) this.#busy.add(r);
      const done = (): void => {
        for (const r of rooms) this.#busy.delete(r);
        this.#running.delete(run);
        this.#pump();
      };
      // #run settles every append itself and never rejects.
      const run: Promise<void> = this.#run(batch).then(done, done);
      this.#running.add(run);
    }
  }

  /** The waiting appends of rooms not in a transaction, in order, at most MAX_BATCH. */
  #take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.#pending) {
      if (batch.length < MAX_BATCH && !this.#busy.has(p.input.room)) batch.push(p);
      else rest.push(p);
    }
    this.#pending = rest;
    return batch;
  }

  async #run(batch: readonly Pending[]): Promise<void> {
    try {
      const results = await this.#db.tx((c) =>
        appendAll(
          c,
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
