/** In-process broker for a single node: publish calls the handler synchronously. */
import type { Broker, BrokerHandler, BrokerMessage } from './broker.ts';

export class MemoryBroker implements Broker {
  readonly #rooms = new Set<string>();
  #handler: BrokerHandler | undefined;

  async publish(message: BrokerMessage): Promise<void> {
    if (this.#rooms.has(message.room)) this.#handler?.(message);
  }

  async subscribe(room: string): Promise<void> {
    this.#rooms.add(room);
  }

  async unsubscribe(room: string): Promise<void> {
    this.#rooms.delete(room);
  }

  onMessage(handler: BrokerHandler): void {
    this.#handler = handler;
  }

  async close(): Promise<void> {
    this.#rooms.clear();
    this.#handler = undefined;
  }
}
