/**
 * Broker: carries committed events between nodes. A fast path, not the source of truth:
 * a subscriber that misses a publish is corrected by the client's gap detection against the store.
 */

export interface BrokerMessage {
  readonly room: string;
  readonly seq: number;
  /** The event frame, serialized once for every node and every subscriber. */
  readonly payload: string;
}

export type BrokerHandler = (message: BrokerMessage) => void;

export interface Broker {
  /** Called only after the event is durable in the store. */
  publish(message: BrokerMessage): Promise<void>;
  /** Start receiving messages of this room on this node. */
  subscribe(room: string): Promise<void>;
  unsubscribe(room: string): Promise<void>;
  onMessage(handler: BrokerHandler): void;
  close(): Promise<void>;
}
