/**
 * In-process brokers. A `MemoryBus` is shared by the nodes of one process (tests run several
 * nodes on one); each node attaches its own `Broker`. Publish calls every subscribed node's
 * handler synchronously, in publish order, the publisher included.
 */
import type { Broker, BrokerHandler, BrokerMessage } from './broker.ts';

export class MemoryBus {
  /** Channel → the attached brokers subscribed to it. */
  readonly #channels = new Map<string, Set<BusBroker>>();

  broker(): Broker {
    return new BusBroker(this.#channels);
  }
}

class BusBroker implements Broker {
  readonly #bus: Map<string, Set<BusBroker>>;
  readonly #mine = new Set<string>();
  #handler: BrokerHandler | undefined;
  #closed = false;

  constructor(bus: Map<string, Set<BusBroker>>) {
    this.#bus = bus;
  }

  async publish(message: BrokerMessage): Promise<void> {
    if (this.#closed) return;
    const nodes = this.#bus.get(message.channel);
    if (!nodes) return;
    // A copy: a handler that unsubscribes or closes must not skip the nodes after it.
    for (const node of [...nodes]) node.#receive(message);
  }

  async subscribe(channel: string): Promise<void> {
    if (this.#closed || this.#mine.has(channel)) return;
    this.#mine.add(channel);
    let nodes = this.#bus.get(channel);
    if (!nodes) this.#bus.set(channel, (nodes = new Set()));
    nodes.add(this);
  }

  async unsubscribe(channel: string): Promise<void> {
    if (!this.#mine.delete(channel)) return;
    const nodes = this.#bus.get(channel);
    nodes?.delete(this);
    if (nodes?.size === 0) this.#bus.delete(channel);
  }

  onMessage(handler: BrokerHandler): void {
    this.#handler = handler;
  }

  /** An in-process bus never disconnects: the handler is never called. */
  onReconnect(): void {}

  async close(): Promise<void> {
    for (const channel of [...this.#mine]) await this.unsubscribe(channel);
    this.#closed = true;
    this.#handler = undefined;
  }

  #receive(message: BrokerMessage): void {
    if (this.#mine.has(message.channel)) this.#handler?.(message);
  }
}

/** The single-node default: a broker on a bus of its own. */
export class MemoryBroker implements Broker {
  readonly #inner = new MemoryBus().broker();

  publish(message: BrokerMessage): Promise<void> {
    return this.#inner.publish(message);
  }

  subscribe(channel: string): Promise<void> {
    return this.#inner.subscribe(channel);
  }

  unsubscribe(channel: string): Promise<void> {
    return this.#inner.unsubscribe(channel);
  }

  onMessage(handler: BrokerHandler): void {
    this.#inner.onMessage(handler);
  }

  /** Never called: nothing to reconnect. */
  onReconnect(): void {}

  close(): Promise<void> {
    return this.#inner.close();
  }
}
