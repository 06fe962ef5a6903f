/**
 * What the parts of a client see of its connection (connection.ts implements it): the state,
 * which connection is current, and a way to write to it. Types only, so every part can depend
 * on it without depending on the state machine.
 */
import type { ClientFrame, UserRef } from '../protocol/index.ts';
import type { ConnectionState } from './types.ts';

export interface Link {
  readonly state: ConnectionState;
  /** Number of the current connection; answers and joins are tied to one. */
  readonly conn: number;
  /** From the latest welcome. */
  readonly user: UserRef | undefined;
  /** close() was called: nothing can reopen the client. */
  readonly final: boolean;
  /** Connected, with a socket to write to. */
  connected(): boolean;
  /** Connected, and `conn` is still the current connection. */
  isCurrent(conn: number): boolean;
  /** Write a frame to the current socket; nothing when there is none. */
  send(frame: ClientFrame): void;
  /** Give up on the current connection from our side (dead peer, missed deadline) and reconnect. */
  abort(code: number, reason: string): void;
}
