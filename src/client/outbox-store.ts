/**
 * Where the outbox keeps unacknowledged writes so they outlive the client (a page reload).
 * The client persists an entry before it first writes the frame, deletes it on the ack or on a
 * terminal failure, and loads the store once when it is created. A store holds one scope (one
 * user's session); scoping is the store's job, checking the user is the client's.
 */
import type { ClientFrameOf } from '../protocol/index.ts';

/** The frames that go through the outbox: each `id` is an idempotency key. */
export type OutboxFrame = ClientFrameOf<'send' | 'edit' | 'delete' | 'react'>;
export type OutboxFrameType = OutboxFrame['type'];

export interface StoredOutboxEntry {
  /** The exact frame to (re)send; `frame.id` is the entry's id, `frame.room` its room. */
  readonly frame: OutboxFrame;
  /** Id of the user it was written as; undefined when made before any welcome. */
  readonly user?: string;
  /** ms since the epoch. */
  readonly createdAt: number;
}

/**
 * Synchronous results are allowed (the memory store uses them) so that without persistence a
 * send is written to the socket in the same tick, as before stores existed.
 */
export interface OutboxStore {
  /** Every entry of this scope, in the order first put. */
  load(): StoredOutboxEntry[] | Promise<StoredOutboxEntry[]>;
  /** Insert, or replace an entry with the same id keeping its place in the order. */
  put(entry: StoredOutboxEntry): void | Promise<void>;
  delete(id: string): void | Promise<void>;
}

/** The default: lives as long as the object. Share one between clients to simulate a reload. */
export class MemoryOutboxStore implements OutboxStore {
  /** Map keeps insertion order, and set() on an existing key keeps its place. */
  readonly #entries = new Map<string, StoredOutboxEntry>();

  get size(): number {
    return this.#entries.size;
  }

  load(): StoredOutboxEntry[] {
    // Copies, as a real store would hand out: nobody shares objects with the store.
    return [...this.#entries.values()].map((e) => structuredClone(e));
  }

  put(entry: StoredOutboxEntry): void {
    this.#entries.set(entry.frame.id, structuredClone(entry));
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }

  clear(): void {
    this.#entries.clear();
  }
}

const FRAME_TYPES: ReadonlySet<string> = new Set<OutboxFrameType>(['send', 'edit', 'delete', 'react']);

/** Storage outlives code versions and can be tampered with: check the shape before use. */
export function isStoredOutboxEntry(value: unknown): value is StoredOutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { frame, user, createdAt } = value as Record<string, unknown>;
  if (typeof createdAt !== 'number' || (user !== undefined && typeof user !== 'string')) return false;
  if (typeof frame !== 'object' || frame === null) return false;
  const f = frame as Record<string, unknown>;
  if (typeof f['type'] !== 'string' || !FRAME_TYPES.has(f['type'])) return false;
  if (typeof f['id'] !== 'string' || !f['id'] || typeof f['room'] !== 'string') return false;
  switch (f['type']) {
    case 'send':
      if (f['kind'] === 'image' || f['kind'] === 'file') return typeof f['file'] === 'string';
      return f['kind'] === 'text' && typeof f['body'] === 'string';
    case 'edit':
      return typeof f['ref'] === 'number' && typeof f['body'] === 'string';
    case 'delete':
      return typeof f['ref'] === 'number';
    default:
      return typeof f['ref'] === 'number' && typeof f['emoji'] === 'string' && typeof f['on'] === 'boolean';
  }
}
