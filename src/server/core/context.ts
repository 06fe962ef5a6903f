/** What every handler can reach: the node's parts, wired once in index.ts. */
import type { Logger } from '../log.ts';
import type { NodeMetrics } from '../metrics/node-metrics.ts';
import type { Broker } from '../broker/broker.ts';
import type { Hub } from '../fanout/hub.ts';
import type { ServerOptions } from '../options.ts';
import type { Presence } from '../presence/presence.ts';
import type { RoomPresence } from '../presence/room-presence.ts';
import type { ReceiptSignals } from '../fanout/receipts.ts';
import type { StatusSignals } from '../fanout/status-signals.ts';
import type { Subscriber } from '../fanout/subscriber.ts';
import type { UserLimits } from '../limits/user-limits.ts';
import type { Store } from '../store/store.ts';
import type { BlockBook } from './block-book.ts';
import type { NameBook } from './name-book.ts';

export interface ServerContext {
  readonly options: ServerOptions;
  readonly log: Logger;
  readonly store: Store;
  readonly broker: Broker;
  readonly hub: Hub;
  readonly presence: Presence;
  readonly connections: Set<Subscriber>;
  /** Per-user rate, connection and room caps (rate-limit.ts). */
  readonly userLimits: UserLimits;
  /** Read-receipt signals to rooms, coalesced (receipts.ts). */
  readonly receipts: ReceiptSignals;
  /** Per-user online / away / offline to room peers, coalesced (presence/status-signals.ts). */
  readonly statuses: StatusSignals;
  /** This node's metrics: cheap counts, read by GET /metrics (metrics/). */
  readonly metrics: NodeMetrics;
  /** Room presence to clients: changes per tick, full views to joiners (presence/room-presence.ts). */
  readonly roomPresence: RoomPresence;
  /** Whom each user blocks, on this node; block changes to every node (block-book.ts). */
  readonly blocks: BlockBook;
  /** Display-name changes to every node: identities, presence and `profile` frames (name-book.ts). */
  readonly names: NameBook;
  /** Marks a room's online list as changed (the change itself is recorded by `presence`); flushed per tick. */
  presenceChanged(room: string): void;
}
