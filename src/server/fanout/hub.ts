/**
 * Fan-out: room → connections on this node, fed by the broker, so events and signals reach the
 * room's subscribers on every node. Each message is framed once per node. Log channels (rooms and
 * user logs) are delivered in seq order, each event once; a publish the broker lost or reordered
 * is filled from the store (healer.ts).
 *
 * Node channels: besides rooms, the hub carries node-level channels (ended login sessions, status
 * changes). Their names start with `~`, which no room name can (ROOM_PATTERN), so one broker
 * handler tells them apart by name. Every node subscribes to each once (`start`) and hands every
 * message, its own included, to the one handler registered for the channel (`listen`).
 */
import { randomBytes } from 'node:crypto';
import type { Broker, BrokerMessage } from '../broker/broker.ts';
import type { Subscriber } from './subscriber.ts';
import { Healer, type Channel, type Evict, type HealStats, type HealStore } from './healer.ts';
import { guarded } from '../guard.ts';
import type { Logger } from '../log.ts';
import { prepareFrame } from '../gateway/wire.ts';
import type { NodeMetrics } from '../metrics/node-metrics.ts';

/** A node-level message: its payload, and whether this node published it. */
export type NodeHandler = (payload: string, fromHere: boolean) => void;

/** What a node-level concern (login sessions, status) needs of the hub. */
export interface NodeChannels {
  /** Hands every message of `channel` (a name starting with `~`) to `handler`, on this node. */
  listen(channel: string, handler: NodeHandler): void;
  /** Publishes to every node that listens to `channel`, this one included. */
  tell(channel: string, payload: string): void;
}

/** A random node id: 8 characters (48 bits), so the nodes of a cluster do not meet by chance. */
export function newNodeId(): string {
  return randomBytes(6).toString('base64url');
}

/**
 * A screened signal as user `userId` may see it (blocking, core/block-book.ts): undefined to send
 * it as is, null to skip them, else the JSON to send them instead.
 */
export type Screen = (userId: string, payload: string) => string | null | undefined;

/** Healing lost publishes (healer.ts): what it reads, and how often it checks positions (0: never). */
export interface HealOptions {
  readonly store: HealStore;
  readonly intervalMs: number;
}

export class Hub implements NodeChannels {
  /** Log channels (rooms, user logs) with subscribers on this node. */
  readonly #rooms = new Map<string, Channel>();
  readonly #broker: Broker;
  readonly #log: Logger;
  readonly #metrics: Pick<NodeMetrics, 'delivered' | 'signalled'> | undefined;
  /**
   * This node's id (--node-id, else random): the prefix of its connection ids, and how it tells
   * its own signals apart when they come back from the broker.
   */
  readonly node: string;
  readonly #listeners = new Map<string, NodeHandler>();
  readonly #healer: Healer | undefined;
  readonly #healIntervalMs: number;
  readonly #screen: Screen | undefined;
  #healTimer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(
    broker: Broker,
    log: Logger,
    node: string = newNodeId(),
    heal?: HealOptions,
    metrics?: Pick<NodeMetrics, 'delivered' | 'signalled'>,
    screen?: Screen,
  ) {
    this.node = node;
    this.#screen = screen;
    this.#broker = broker;
    this.#log = log;
    this.#metrics = metrics;
    this.#healer = heal && new Healer(heal.store, log, this.#rooms, this.#fan);
    this.#healIntervalMs = heal?.intervalMs ?? 0;
    broker.onMessage((m) => guarded(log, { broker: m.channel }, () => this.#deliver(m)));
    // What was published while the bus was away never arrives: compare positions at once.
    broker.onReconnect?.(() => void this.#healer?.check(true));
  }

  /** What healing did on this node (undefined without healing). */
  get healStats(): Readonly<HealStats> | undefined {
    return this.#healer?.stats;
  }

  listen(channel: string, handler: NodeHandler): void {
    if (!channel.startsWith('~')) throw new Error(`node channel ${channel} must start with ~`);
    if (this.#listeners.has(channel)) throw new Error(`node channel ${channel} has a listener already`);
    this.#listeners.set(channel, handler);
    if (this.#started) void this.#subscribeNode(channel);
  }

  tell(channel: string, payload: string): void {
    this.#broker
      .publish({ channel, seq: 0, payload, signal: { node: this.node } })
      .catch((err: unknown) => this.#log.warn({ err, channel }, 'node message not published'));
  }

  /** Subscribes this node to its node channels (before it accepts connections). */
  async start(): Promise<void> {
    this.#started = true;
    await Promise.all([...this.#listeners.keys()].map((channel) => this.#broker.subscribe(channel)));
    const healer = this.#healer;
    if (healer && this.#healIntervalMs > 0 && !this.#healTimer) {
      this.#healTimer = setInterval(() => void healer.check(false), this.#healIntervalMs).unref();
    }
  }

  /** Leaves the node channels (at shutdown: a shared bus may outlive this node). */
  async stop(): Promise<void> {
    this.#started = false;
    clearInterval(this.#healTimer);
    this.#healTimer = undefined;
    await Promise.all([...this.#listeners.keys()].map((channel) => this.#broker.unsubscribe(channel)));
  }

  /**
   * Resolves once the room's (or log's) live events reach `conn` and this node's position in it
   * is read: a head the caller reads afterwards covers every event this node will not deliver.
   */
  async subscribe(room: string, conn: Subscriber): Promise<void> {
    // Added before any await so a close racing this call always finds it to remove.
    const ch = this.#rooms.get(room);
    if (ch) {
      ch.subs.add(conn);
      return ch.ready;
    }
    const healer = this.#healer;
    const fresh = Healer.channel(conn, healer !== undefined);
    this.#rooms.set(room, fresh);
    fresh.ready = (async () => {
      try {
        await this.#broker.subscribe(room);
      } finally {
        await healer?.position(fresh, room);
      }
    })();
    return fresh.ready;
  }

  async unsubscribe(room: string, conn: Subscriber): Promise<void> {
    const ch = this.#rooms.get(room);
    if (!ch?.subs.delete(conn) || ch.subs.size > 0) return;
    this.#rooms.delete(room);
    await this.#broker.unsubscribe(room);
  }

  /**
   * Sends an ephemeral frame (presence, typing, receipts) to everyone in the room on every node,
   * but `except` and the users of `hide` (people the sender blocks); with `only`, to those users
   * alone; `screened`, tailored per recipient by the receiving node's `Screen`.
   */
  broadcast(
    room: string,
    json: string,
    except?: Subscriber,
    hide?: readonly string[],
    only?: readonly string[],
    screened?: boolean,
  ): void {
    const signal = {
      node: this.node,
      ...(except ? { except: except.id } : {}),
      ...(hide && hide.length > 0 ? { hide } : {}),
      ...(only ? { only } : {}),
      ...(screened ? { screened: true as const } : {}),
    };
    this.#broker
      .publish({ channel: room, seq: 0, payload: json, signal })
      .catch((err: unknown) => this.#log.warn({ err, room }, 'signal not published'));
  }

  subscribers(room: string): number {
    return this.#rooms.get(room)?.subs.size ?? 0;
  }

  #subscribeNode(channel: string): Promise<void> {
    return this.#broker
      .subscribe(channel)
      .catch((err: unknown) => this.#log.error({ err, channel }, 'node channel not subscribed'));
  }

  #deliver(message: BrokerMessage): void {
    const listener = this.#listeners.get(message.channel);
    if (listener) {
      listener(message.payload, message.signal?.node === this.node);
      return;
    }
    const ch = this.#rooms.get(message.channel);
    if (!ch || ch.subs.size === 0) return;
    const { signal } = message;
    if (signal) {
      this.#metrics?.signalled(message.payload, ch.subs.size);
      const prepared = prepareFrame(message.payload);
      // Connection ids are unique across nodes (prefixed with the node's id).
      const { except, hide, only } = signal;
      const screen = signal.screened ? this.#screen : undefined;
      // Tailored frames of this message, by JSON: everyone blocked by the same people shares one.
      let tailored: Map<string, ReturnType<typeof prepareFrame>> | undefined;
      for (const conn of ch.subs) {
        if (conn.id === except) continue;
        if (hide && conn.user && hide.includes(conn.user.id)) continue;
        if (only && !(conn.user && only.includes(conn.user.id))) continue;
        let frame = prepared;
        if (screen && conn.user) {
          const json = screen(conn.user.id, message.payload);
          if (json === null) continue;
          if (json !== undefined) {
            tailored ??= new Map();
            const known = tailored.get(json);
            if (known) frame = known;
            else tailored.set(json, (frame = prepareFrame(json)));
          }
        }
        try {
          conn.sendEphemeral(frame);
        } catch (err) {
          this.#failed(conn, err);
        }
      }
      return;
    }
    // The hot path: the next seq, nothing held. Anything else waits for the healer.
    if (this.#healer && (ch.busy || message.seq !== ch.last + 1)) {
      this.#healer.arrive(ch, message.channel, message);
      return;
    }
    ch.last = message.seq;
    this.#fan(ch, message.channel, message.seq, message.payload, message.evict);
  }

  /** One event of a log channel to its subscribers here, live or healed. */
  readonly #fan = (ch: Channel, channel: string, seq: number, payload: string, evict: Evict): void => {
    const { subs } = ch;
    if (evict) {
      // The removed user's sockets lose the room before the event goes out: no further events.
      const removed = [...subs].filter((conn) => conn.user?.id === evict.user);
      for (const conn of removed) conn.evict(channel, evict.reason, evict.by);
    }
    const prepared = prepareFrame(payload);
    // The hot loop: no closure or context object per recipient unless one fails.
    for (const conn of subs) {
      try {
        conn.deliverEvent(channel, seq, prepared);
      } catch (err) {
        this.#failed(conn, err);
      }
    }
    this.#metrics?.delivered(channel, seq, payload, subs.size);
  };

  /** One recipient's failure cuts that recipient (it resumes from its last seq), never the rest. */
  #failed(conn: Subscriber, err: unknown): void {
    guarded(
      this.#log,
      { conn: conn.id },
      () => {
        throw err;
      },
      () => conn.cut(),
    );
  }
}
