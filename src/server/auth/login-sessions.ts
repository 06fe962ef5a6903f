/**
 * Login sessions on this node: which open sockets belong to which session, and which sessions
 * ended lately. Ending a session (logout, a replayed refresh token) closes its sockets at once
 * with 4411 `session_revoked`, on this node and, through the `~sessions` node channel, on every
 * other; the store is the authority for new handshakes.
 */
import { CLOSE } from '../../protocol/index.ts';
import type { NodeChannels } from '../fanout/hub.ts';
import type { Logger } from '../log.ts';
import type { AccountStore } from '../store/accounts.ts';

/** The node channel of ended login sessions: the payload is a JSON array of session ids. */
export const SESSIONS_CHANNEL = '~sessions';

/** An open socket that can be told to go (a Connection). */
export interface Closable {
  close(code: number, reason: string): void;
}

/** Ended ids kept in memory; older ones are still refused through the store, just not for free. */
const ENDED_REMEMBERED = 10_000;

export class LoginSessions {
  readonly #store: Pick<AccountStore, 'loginSessionActive'>;
  readonly #sockets = new Map<string, Set<Closable>>();
  /** Insertion-ordered, so the oldest is dropped first. */
  readonly #ended = new Set<string>();
  readonly #nodes: NodeChannels;

  constructor(store: Pick<AccountStore, 'loginSessionActive'>, nodes: NodeChannels, log: Logger) {
    this.#store = store;
    this.#nodes = nodes;
    // Another node's ids: this node's own were handled when they ended, so never twice.
    nodes.listen(SESSIONS_CHANNEL, (payload, fromHere) => {
      if (fromHere) return;
      const ids: unknown = JSON.parse(payload);
      if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) this.#end(ids);
      else log.warn({ payload }, 'malformed ended sessions');
    });
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

  /**
   * These sessions were ended in the store: refuse them from now on and close their sockets, here
   * at once and on the other nodes when the message reaches them.
   */
  ended(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return;
    this.#end(sessionIds);
    this.#nodes.tell(SESSIONS_CHANNEL, JSON.stringify(sessionIds));
  }

  #end(sessionIds: readonly string[]): void {
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
