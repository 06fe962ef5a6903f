/**
 * Broker: carries committed events between nodes. A fast path, not the source of truth:
 * a subscriber that misses a publish is corrected by the client's gap detection against the store.
 */
import type { UserRef } from '../../protocol/index.ts';

export interface BrokerMessage {
  readonly room: string;
  readonly seq: number;
  /** The event frame, serialized once for every node and every subscriber. */
  readonly payload: string;
  /** A kick or ban: every node removes this user's sockets from the room before delivering. */
  readonly evict?: { readonly user: string; readonly reason: 'kick' | 'ban'; readonly by: UserRef };
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
