/** What the fan-out needs of a connection: where to write a room's events and signals. */
import type { RemovedFrame, UserRef } from '../../protocol/index.ts';
import type { PreparedFrame } from '../gateway/wire.ts';

export interface Subscriber {
  /** Unique across the nodes sharing a broker (`<node id>-<n>`). */
  readonly id: string;
  /** Set by `hello`; undefined before. */
  readonly user: UserRef | undefined;
  /** A committed event of a room or feed: written once, in order, never twice. */
  deliverEvent(channel: string, seq: number, prepared: PreparedFrame): void;
  /** Droppable frames (presence, typing, status): skipped when the socket is backed up. */
  sendEphemeral(prepared: PreparedFrame): void;
  /** Kicked or banned: forget the room, tell the client, unsubscribe. */
  evict(room: string, reason: RemovedFrame['reason'], by: UserRef): void;
  /** Ends the socket now (a write to it failed). */
  cut(): void;
}
