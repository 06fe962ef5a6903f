/**
 * A connection without a socket, for driving handlers and the hub in process: what the server
 * writes to it lands in `frames`, decoded. It keeps delivery state the way the gateway's
 * Connection does (src/server/gateway/connection.ts), so the hub and the feed treat it alike.
 */
import {
  ERRORS,
  type ClientFrame,
  type ErrorCode,
  type RemovedFrame,
  type ServerFrame,
  type UserRef,
} from '../../src/protocol/index.ts';
import type { AccessClaims } from '../../src/server/auth/tokens.ts';
import type { ConnectionPort, FeedCursor, RoomCursor } from '../../src/server/core/connection-port.ts';
import type { ServerContext } from '../../src/server/core/context.ts';
import type { PreparedFrame } from '../../src/server/gateway/wire.ts';
import { dispatch } from '../../src/server/handlers/index.ts';
import { waitUntil } from './wait.ts';

export class TestPort implements ConnectionPort {
  static #next = 1;
  readonly id: string;
  readonly ip = '127.0.0.1';
  user: UserRef | undefined;
  account: AccessClaims | undefined;
  readonly rooms = new Map<string, RoomCursor>();
  readonly feeds = new Map<string, FeedCursor>();
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | undefined;

  constructor(readonly ctx: ServerContext) {
    this.id = `${ctx.hub.node}-p${TestPort.#next++}`;
  }

  get closing(): boolean {
    return this.closed !== undefined;
  }
  send(frame: ServerFrame): void {
    this.frames.push(frame);
  }
  sendPrepared(prepared: PreparedFrame): void {
    this.frames.push(JSON.parse(prepared.data.toString('utf8')) as ServerFrame);
  }
  sendEphemeral(prepared: PreparedFrame): void {
    this.sendPrepared(prepared);
  }
  deliverEvent(channel: string, seq: number, prepared: PreparedFrame): void {
    const cursor = this.rooms.get(channel) ?? this.feeds.get(channel);
    if (!cursor) return;
    if (cursor.pending) cursor.pending.push({ seq, prepared });
    else if (seq <= cursor.lastSent) this.skipped(channel, seq);
    else {
      cursor.lastSent = seq;
      this.sendPrepared(prepared);
    }
  }
  /** A live delivery at or below what was already sent (skipped, as the gateway does). */
  protected skipped(channel: string, seq: number): void {
    void channel;
    void seq;
  }
  evict(room: string, reason: RemovedFrame['reason'], by: UserRef): void {
    if (!this.rooms.delete(room)) return;
    this.send({ type: 'removed', room, reason, by });
    void this.ctx.hub.unsubscribe(room, this);
  }
  error(code: ErrorCode, id?: string, message: string = ERRORS[code].message): void {
    const frame: ServerFrame = { type: 'error', code, message, retryable: ERRORS[code].retryable };
    this.send(id === undefined ? frame : { ...frame, id });
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  track(work: Promise<void>): void {
    void work;
  }
  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }
  cut(): void {
    this.close(1006, 'cut');
  }
  claimUserSlot(userId: string): boolean {
    return this.ctx.userLimits.attach(userId, this);
  }

  /** Dispatches one frame and waits until a frame matching `match` was written. */
  async request<F extends ServerFrame>(frame: ClientFrame, match: (f: ServerFrame) => f is F): Promise<F> {
    const from = this.frames.length;
    await dispatch(this, frame);
    return waitUntil(() => this.frames.slice(from).find(match), { timeoutMs: 5_000, what: `answer to ${frame.type}` });
  }

  /** seqs of the room's events this connection was sent, in the order sent. */
  seqs(room: string): number[] {
    return this.frames.flatMap((f) => (f.type === 'event' && f.room === room ? [f.seq] : []));
  }

  /** seqs of the user-log entries this connection was sent, in the order sent. */
  userSeqs(): number[] {
    return this.frames.flatMap((f) => (f.type === 'user' ? [f.seq] : []));
  }
}

/** A frame of this type (and, given, this request id). */
export const of =
  <T extends ServerFrame['type']>(type: T, id?: string) =>
  (f: ServerFrame): f is Extract<ServerFrame, { type: T }> =>
    f.type === type && (id === undefined || ('id' in f && f.id === id));
