/**
 * The Redis broker: nodes of a cluster meet on Redis pub/sub. Each node holds two connections,
 * one that publishes and one in subscriber mode; its subscriptions follow its sockets (the hub
 * subscribes a room while this node has someone in it). A message is the whole BrokerMessage as
 * JSON on the channel `<prefix>bus:<channel>`; each connection keeps its order, so one node's
 * publishes to a channel arrive in publish order.
 *
 * Pub/sub is at most once: what is published while a subscriber's connection is down never
 * reaches it, and a publish made while the publishing connection is down is dropped rather than
 * holding up the commit's acknowledgement. Neither loses an event: the receiving hub fills gaps
 * from the store (fanout/healer.ts), and after a reconnect this broker subscribes everything again
 * and then calls `onReconnect` so the hub compares its positions at once.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Broker, BrokerHandler, BrokerMessage } from './broker.ts';

export interface RedisBrokerOptions {
  /** `redis://[user:password@]host:port[/db]` */
  readonly url: string;
  /** Prefix of the channels and of the connections' names (CLIENT SETNAME); default `parley:`. */
  readonly prefix?: string;
  /** Where connection losses and dropped publishes are told (once per loss); default: nowhere. */
  readonly log?: { warn(obj: object, msg: string): void };
}

/** A publish not taken within this long is dropped (the receivers heal it). */
const PUBLISH_TIMEOUT_MS = 2_000;

const retryStrategy = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000);

export class RedisBroker implements Broker {
  readonly #pub: Redis;
  readonly #sub: Redis;
  /** `<prefix>bus:` */
  readonly #bus: string;
  readonly #log: RedisBrokerOptions['log'];
  /** The channels this node wants, unprefixed: subscribed again after a reconnect. */
  readonly #channels = new Set<string>();
  readonly #reconnected: (() => void)[] = [];
  #handler: BrokerHandler | undefined;
  #closed = false;
  #pubWasReady = false;
  #subWasReady = false;
  /** A loss was told; reset when the connection is ready again. */
  #told = false;
  /** Publishes dropped because Redis did not take them (the receivers heal them). */
  dropped = 0;
  /** The names the two connections give themselves (CLIENT SETNAME): `<prefix>broker-<random>-pub|sub`. */
  readonly clientNames: { readonly pub: string; readonly sub: string };

  constructor(options: RedisBrokerOptions) {
    const prefix = options.prefix ?? 'parley:';
    this.#bus = `${prefix}bus:`;
    this.#log = options.log;
    const id = randomBytes(4).toString('hex');
    this.clientNames = { pub: `${prefix}broker-${id}-pub`, sub: `${prefix}broker-${id}-sub` };
    this.#pub = new Redis(options.url, {
      connectionName: this.clientNames.pub,
      commandTimeout: PUBLISH_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      retryStrategy,
    });
    // Subscriptions are made again by #resubscribe, so the hub hears of the reconnect only after.
    this.#sub = new Redis(options.url, { connectionName: this.clientNames.sub, autoResubscribe: false, retryStrategy });
    this.#watch(this.#pub, 'pub');
    this.#watch(this.#sub, 'sub');
    this.#sub.on('message', (channel: string, text: string) => this.#receive(channel, text));
  }

  publish(message: BrokerMessage): Promise<void> {
    // Down after having been up: dropped now rather than queued, so commits are acknowledged.
    if (this.#closed || (this.#pub.status !== 'ready' && this.#pubWasReady)) {
      if (!this.#closed) this.#drop(undefined);
      return Promise.resolve();
    }
    return this.#pub.publish(this.#bus + message.channel, JSON.stringify(message)).then(
      () => undefined,
      (err: unknown) => this.#drop(err),
    );
  }

  async subscribe(channel: string): Promise<void> {
    if (this.#closed || this.#channels.has(channel)) return;
    this.#channels.add(channel);
    await this.#sub.subscribe(this.#bus + channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    if (this.#closed || !this.#channels.delete(channel)) return;
    await this.#sub.unsubscribe(this.#bus + channel);
  }

  onMessage(handler: BrokerHandler): void {
    this.#handler = handler;
  }

  onReconnect(handler: () => void): void {
    this.#reconnected.push(handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handler = undefined;
    this.#channels.clear();
    await Promise.all([end(this.#pub), end(this.#sub)]);
  }

  #watch(conn: Redis, role: 'pub' | 'sub'): void {
    conn.on('error', (err: unknown) => this.#warn(err, `Redis broker connection (${role}) failed`));
    conn.on('ready', () => {
      this.#told = false;
      if (role === 'pub') {
        const again = this.#pubWasReady;
        this.#pubWasReady = true;
        // Publishes dropped while it was down: this node's own subscribers compare positions too.
        if (again) this.#tellReconnected();
        return;
      }
      const again = this.#subWasReady;
      this.#subWasReady = true;
      if (again) void this.#resubscribe();
    });
  }

  async #resubscribe(): Promise<void> {
    const channels = [...this.#channels].map((c) => this.#bus + c);
    try {
      if (channels.length > 0) await this.#sub.subscribe(...channels);
    } catch (err) {
      // Lost again: the next 'ready' tries again.
      this.#warn(err, 'Redis broker could not subscribe again');
      return;
    }
    this.#tellReconnected();
  }

  #tellReconnected(): void {
    if (this.#closed) return;
    for (const handler of this.#reconnected) handler();
  }

  #receive(channel: string, text: string): void {
    const handler = this.#handler;
    if (!handler || !channel.startsWith(this.#bus)) return;
    let message: BrokerMessage;
    try {
      message = JSON.parse(text) as BrokerMessage;
    } catch (err) {
      this.#warn(err, 'Redis broker message is not JSON');
      return;
    }
    // Redis sends nothing of a channel after confirming its UNSUBSCRIBE; before, it is still ours.
    handler(message);
  }

  #drop(err: unknown): void {
    this.dropped++;
    this.#warn(err, 'Redis broker publish dropped (receivers fill it from the store)');
  }

  #warn(err: unknown, msg: string): void {
    if (this.#told || this.#closed) return;
    this.#told = true;
    this.#log?.warn({ err }, msg);
  }
}

/** QUIT when connected (pending replies arrive first), else just drop the socket. */
async function end(conn: Redis): Promise<void> {
  if (conn.status === 'ready') {
    try {
      await conn.quit();
      return;
    } catch {
      // Fall through.
    }
  }
  conn.disconnect();
}
