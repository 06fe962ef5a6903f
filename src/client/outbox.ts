/**
 * Sends not yet acknowledged, in the order the app made them. An entry keeps its id (the
 * idempotency key) for life, so every resend is recognised by the server as the same message.
 */
import type { SendResult } from './types.ts';
import type { ClientError } from './errors.ts';

export interface OutboxEntry {
  readonly id: string;
  readonly room: string;
  readonly body: string;
  readonly resolve: (result: SendResult) => void;
  readonly reject: (error: ClientError) => void;
  /** The connection it was last written to; a new connection means "not sent yet". */
  sentOn: number | undefined;
  /** Retryable server errors so far, for spacing out resends on the same connection. */
  failures: number;
  /** Waiting out the pause after a retryable error; not written until it ends. */
  paused: boolean;
}

export class Outbox {
  /** Map iteration order is insertion order: the original send order. */
  readonly #entries = new Map<string, OutboxEntry>();

  get size(): number {
    return this.#entries.size;
  }

  add(entry: OutboxEntry): void {
    this.#entries.set(entry.id, entry);
  }

  get(id: string): OutboxEntry | undefined {
    return this.#entries.get(id);
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
