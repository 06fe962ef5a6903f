/**
 * Fan-out: room → connections on this node, fed by the broker, so events and signals reach the
 * room's subscribers on every node. Each message is framed once per node.
 */
import { randomUUID } from 'node:crypto';
import type { Broker, BrokerMessage } from './broker/broker.ts';
import type { Connection } from './connection.ts';
import { guarded } from './guard.ts';
import type { Logger } from './log.ts';
import { prepareFrame } from './wire.ts';

export class Hub {
  readonly #rooms = new Map<string, Set<Connection>>();
  readonly #broker: Broker;
  readonly #log: Logger;
  /** Tells this node's own signals apart when they come back from the broker. */
  readonly #node = randomUUID();

  constructor(broker: Broker, log: Logger) {
    this.#broker = broker;
    this.#log = log;
    broker.onMessage((m) => guarded(log, { broker: m.channel }, () => this.#deliver(m)));
  }

  async subscribe(room: string, conn: Connection): Promise<void> {
    // Added before any await so a close racing this call always finds it to remove.
    const subs = this.#rooms.get(room);
    if (subs) {
      subs.add(conn);
      return;
    }
    this.#rooms.set(room, new Set([conn]));
    await this.#broker.subscribe(room);
  }

  async unsubscribe(room: string, conn: Connection): Promise<void> {
    const subs = this.#rooms.get(room);
    if (!subs?.delete(conn) || subs.size > 0) return;
    this.#rooms.delete(room);
    await this.#broker.unsubscribe(room);
  }

  /** Sends an ephemeral frame (presence, typing, receipts) to everyone in the room on every node, but `except`. */
  broadcast(room: string, json: string, except?: Connection): void {
    const signal = { node: this.#node, ...(except ? { except: except.id } : {}) };
    this.#broker
      .publish({ channel: room, seq: 0, payload: json, signal })
      .catch((err: unknown) => this.#log.warn({ err, room }, 'signal not published'));
  }

  subscribers(room: string): number {
    return this.#rooms.get(room)?.size ?? 0;
  }

  #deliver(message: BrokerMessage): void {
    const subs = this.#rooms.get(message.channel);
    if (!subs || subs.size === 0) return;
    const { evict } = message;
    if (evict) {
      // The removed user's sockets lose the room before the event goes out: no further events.
      const removed = [...subs].filter((conn) => conn.user?.id === evict.user);
      for (const conn of removed) conn.evict(message.channel, evict.reason, evict.by);
    }
    const prepared = prepareFrame(message.payload);
    const { signal } = message;
    if (signal) {
      const except = signal.node === this.#node ? signal.except : undefined;
      for (const conn of subs) if (conn.id !== except) this.#each(conn, () => conn.sendEphemeral(prepared));
      return;
    }
    for (const conn of subs) this.#each(conn, () => conn.deliverEvent(message.channel, message.seq, prepared));
  }

  /** One recipient's failure cuts that recipient (it resumes from its last seq), never the rest. */
  #each(conn: Connection, write: () => void): void {
    guarded(this.#log, { conn: conn.id }, write, () => conn.cut());
  }
}
