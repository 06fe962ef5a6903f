/**
 * Login sessions on this node: which open sockets belong to which session, and which sessions
 * ended lately. Ending a session (logout, a replayed refresh token) closes its sockets at once
 * with 4411 `session_revoked`; the store is the authority for new handshakes.
 */
import { CLOSE } from '../../protocol/index.ts';
import type { Store } from '../store/store.ts';

/** An open socket that can be told to go (a Connection). */
export interface Closable {
  close(code: number, reason: string): void;
}

/** Ended ids kept in memory; older ones are still refused through the store, just not for free. */
const ENDED_REMEMBERED = 10_000;

export class LoginSessions {
  readonly #store: Store;
  readonly #sockets = new Map<string, Set<Closable>>();
  /** Insertion-ordered, so the oldest is dropped first. */
  readonly #ended = new Set<string>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Whether the session may still be used: an indexed lookup, skipped for sessions ended here. */
  async live(sessionId: string): Promise<boolean> {
    if (this.#ended.has(sessionId)) return false;
    return this.#store.loginSessionActive(sessionId);
  }

  /**
   * Tracks an open socket of the session. A session ended between the handshake's check and now
   * closes it at once. Returns the function that stops tracking it (call it on close).
   */
  attach(sessionId: string, socket: Closable): () => void {
    if (this.#ended.has(sessionId)) {
      socket.close(CLOSE.session_revoked, 'session revoked');
      return () => {};
    }
    let set = this.#sockets.get(sessionId);
    if (!set) this.#sockets.set(sessionId, (set = new Set()));
    set.add(socket);
    const tracked = set;
    return () => {
      tracked.delete(socket);
      if (tracked.size === 0 && this.#sockets.get(sessionId) === tracked) this.#sockets.delete(sessionId);
    };
  }

  /** These sessions were ended in the store: refuse them from now on and close their sockets. */
  ended(sessionIds: readonly string[]): void {
    for (const id of sessionIds) {
      this.#ended.delete(id);
      this.#ended.add(id);
      const sockets = this.#sockets.get(id);
      this.#sockets.delete(id);
      for (const socket of sockets ?? []) socket.close(CLOSE.session_revoked, 'session revoked');
    }
    for (const id of this.#ended) {
      if (this.#ended.size <= ENDED_REMEMBERED) break;
      this.#ended.delete(id);
    }
  }

  /** Sessions with open sockets on this node (for tests and metrics). */
  get size(): number {
    return this.#sockets.size;
  }
}
