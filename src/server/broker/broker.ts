/**
 * Broker: carries committed events and signals between nodes. A fast path, not the source of truth:
 * a publish it loses or reorders is put right by the receiving node's fan-out, which reads the
 * missing seqs from the store (fanout/healer.ts); the client's gap detection is the last resort.
 */
import type { RemovalKind, UserRef } from '../../protocol/index.ts';

export interface BrokerMessage {
  /** A room's events travel on the room's name; other signals get channels of their own. */
  readonly channel: string;
  readonly seq: number;
  /** The event frame, serialized once for every node and every subscriber. */
  readonly payload: string;
  /**
   * An ephemeral signal (typing, presence, receipts) instead of a log event: `seq` is 0 and each
   * node delivers it as droppable, to every subscriber but connection `except` (connection ids
   * are unique across nodes); `node` is the sender's id. `hide`: user ids it is not shown to (the
   * sender blocks them, core/block-book.ts).
   */
  readonly signal?: {
    readonly node: string;
    readonly except?: string;
    readonly hide?: readonly string[];
    /** To these users alone. */
    readonly only?: readonly string[];
    /**
     * A presence or typing signal that each node screens per recipient: whoever blocks the
     * recipient is left out (fanout/hub.ts `Screen`, core/block-book.ts).
     */
    readonly screened?: true;
  };
  /** A kick or ban: every node removes this user's sockets from the room before delivering. */
  readonly evict?: { readonly user: string; readonly reason: RemovalKind; readonly by: UserRef };
}

export type BrokerHandler = (message: BrokerMessage) => void;

/** One node's attachment to the bus: its own subscriptions and handler. */
export interface Broker {
  /** Called only after the event is durable in the store. Every subscribed node gets it, this one included. */
  publish(message: BrokerMessage): Promise<void>;
  /** Start receiving messages of this channel on this node. */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  onMessage(handler: BrokerHandler): void;
  /**
   * Called each time the node's connection to the bus came back after a loss, once every
   * subscription is active again: what was published meanwhile never arrives, so the hub
   * checks its positions against the store. Engines that never lose messages need not call it.
   */
  onReconnect?(handler: () => void): void;
  /** Detaches this node: it receives nothing more, and its later publishes go nowhere. */
  close(): Promise<void>;
}
