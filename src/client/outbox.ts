/**
 * Writes (send, edit, delete, react) not yet acknowledged, in the order the app made them. An
 * entry keeps its frame, and so its id (the idempotency key), for life: every resend is
 * recognised by the server as the same write.
 */
import type { ClientError } from './errors.ts';
import type { OutboxFrame, StoredOutboxEntry } from './outbox-store.ts';
import type { PendingEntry, SendResult } from './types.ts';

export interface OutboxEntry {
  readonly id: string;
  readonly room: string;
  readonly frame: OutboxFrame;
  readonly createdAt: number;
  /** Loaded from the OutboxStore: made by an earlier client, so nobody holds a promise for it. */
  readonly restored: boolean;
  /** The user it is written as; bound at the first welcome when made before one. */
  user: string | undefined;
  /** The promise of the call that made it (absent for restored entries). */
  readonly settle?: {
    readonly resolve: (result: SendResult) => void;
    readonly reject: (error: ClientError) => void;
  };
  /** In the OutboxStore (or storing failed): only then may it be written to a socket. */
  persisted: boolean;
  /** The connection it was last written to; a new connection means "not sent yet". */
  sentOn: number | undefined;
  /** Retryable server errors so far, for spacing out resends on the same connection. */
  failures: number;
  /** Waiting out the pause after a retryable error; not written until it ends. */
  paused: boolean;
}

export function toStored(entry: OutboxEntry): StoredOutboxEntry {
  const stored = { frame: entry.frame, createdAt: entry.createdAt };
  return entry.user === undefined ? stored : { ...stored, user: entry.user };
}

/** What the app sees of an entry. */
export function toPending(entry: OutboxEntry, error?: ClientError): PendingEntry {
  const base = {
    id: entry.id,
    room: entry.room,
    frame: entry.frame,
    createdAt: entry.createdAt,
    restored: entry.restored,
  };
  return error ? { ...base, status: 'failed', error } : { ...base, status: 'pending' };
}

export class Outbox {
  /** Map iteration order is insertion order: the original order of the writes. */
  #entries = new Map<string, OutboxEntry>();

  get size(): number {
    return this.#entries.size;
  }

  add(entry: OutboxEntry): void {
    this.#entries.set(entry.id, entry);
  }

  /** Entries made before the ones held now (loaded from storage): they go first. Known ids are skipped. */
  prepend(entries: readonly OutboxEntry[]): OutboxEntry[] {
    const fresh = entries.filter((e) => !this.#entries.has(e.id));
    this.#entries = new Map([...fresh.map((e) => [e.id, e] as const), ...this.#entries]);
    return fresh;
  }

  get(id: string): OutboxEntry | undefined {
    return this.#entries.get(id);
  }

  /** Every entry, oldest first. */
  all(): OutboxEntry[] {
    return [...this.#entries.values()];
  }

  /** Remove and return the entry (an ack or a final error settles it). */
  take(id: string): OutboxEntry | undefined {
    const entry = this.#entries.get(id);
    if (entry) this.#entries.delete(id);
    return entry;
  }

  /** Entries not yet written to connection `conn`, oldest first, optionally for one room. */
  unsent(conn: number, room?: string): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const e of this.#entries.values()) {
      if (e.sentOn !== conn && (room === undefined || e.room === room)) out.push(e);
    }
    return out;
  }

  /** Remove and return every entry for a room (or all), oldest first. */
  drain(room?: string): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const e of this.#entries.values()) {
      if (room === undefined || e.room === room) {
        out.push(e);
        this.#entries.delete(e.id);
      }
    }
    return out;
  }
}
