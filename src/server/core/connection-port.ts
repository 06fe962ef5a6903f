/**
 * What handlers, the feed and the fan-out see of one client connection. The socket behind it
 * (gateway/connection.ts) implements it; a test can implement it without any socket.
 */
import type { ErrorCode, ServerFrame, UserRef } from '../../protocol/index.ts';
import type { AccessClaims } from '../auth/tokens.ts';
import type { Subscriber } from '../fanout/subscriber.ts';
import type { PreparedFrame } from '../gateway/wire.ts';
import type { ServerContext } from './context.ts';

/** Per-room delivery state of one connection. */
export interface RoomCursor {
  /** Highest seq written to this socket; live events at or below it are skipped. */
  lastSent: number;
  /** While the join replay runs, live events wait here. */
  pending: { seq: number; prepared: PreparedFrame }[] | null;
}

/** Delivery state of another ordered log this connection follows (the user log, user-feed.ts). */
export type FeedCursor = Pick<RoomCursor, 'lastSent' | 'pending'>;

export interface ConnectionPort extends Subscriber {
  readonly ctx: ServerContext;
  /** The peer's address as the upgrade saw it (after --trust-proxy). */
  readonly ip: string;
  /** Set by `hello`. */
  user: UserRef | undefined;
  /** Set at the upgrade from a verified access token: `hello` makes this account the user. */
  account: AccessClaims | undefined;
  /**
   * While hello's session write is being committed (`user` is already set, so a join sent with
   * the hello shares the commit): true once the welcome is out, false when the write failed (the
   * connection is closing). Nothing may answer a later frame before it settles.
   */
  welcomed?: Promise<boolean> | undefined;
  /** Rooms this connection is subscribed to, with their delivery state. */
  readonly rooms: Map<string, RoomCursor>;
  /** Hub channels that are not rooms, by channel name: the user's own log once it sent `sync`. */
  readonly feeds: Map<string, FeedCursor>;
  readonly closing: boolean;

  send(frame: ServerFrame): void;
  sendPrepared(prepared: PreparedFrame): void;
  error(code: ErrorCode, id?: string, message?: string): void;
  /** Resolves once the outbound queue is below half its limit (between replay pages). */
  drained(): Promise<void>;
  /** Work that must finish (e.g. a send until its ack is out) before a graceful close. */
  track(work: Promise<void>): void;
  close(code: number, reason: string): void;
  /** Claims one of the user's connection slots; false when the user is at the cap. */
  claimUserSlot(userId: string): boolean;
}
