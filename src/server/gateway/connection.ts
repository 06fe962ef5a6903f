/** One client socket: decode → dispatch in order, outbound writes with a bounded queue. */
import type { WebSocket } from 'ws';
import {
  CLOSE,
  decodeClientFrame,
  ERRORS,
  type ClientFrame,
  type ErrorCode,
  type RemovedFrame,
  type ServerFrame,
  type UserRef,
} from '../../protocol/index.ts';
import type { AccessClaims } from '../auth/tokens.ts';
import type { ConnectionPort, RoomCursor, FeedCursor } from '../core/connection-port.ts';
import type { ServerContext } from '../core/context.ts';
import { dispatch } from '../handlers/index.ts';
import { ConnectionLimits, rateLimitedFrame, type Verdict } from '../limits/user-limits.ts';
import { takesDeflate } from './deflate.ts';
import { listen } from './socket-events.ts';
import { prepareFrame, queuedBytes, writePrepared, type PreparedFrame } from './wire.ts';

let nextId = 1;
/** The frame chain of every connection with no frame waiting. */
const SETTLED: Promise<void> = Promise.resolve();
/** Grace for a close handshake before the socket is cut (a slow peer may never read it). */
const CLOSE_GRACE_MS = 2_000;
/**
 * Frames read but not yet handled: past either cap the socket is not read until half are done,
 * so TCP pushes back on the peer and what it sends costs at most this much memory here.
 */
const MAX_WAITING_FRAMES = 32;
const MAX_WAITING_BYTES = 256 * 1024;
/** What a paused socket may still deliver without compression: the rest of one read, one frame. */
const READ_CHUNK_BYTES = 64 * 1024;

export class Connection implements ConnectionPort {
  /** `<node id>-<n>`: unique across the nodes sharing a broker. */
  readonly id: string;
  readonly ws: WebSocket;
  readonly ctx: ServerContext;
  readonly ip: string;
  #user: UserRef | undefined;
  /** Set at the upgrade from a verified access token: `hello` makes this account the user. */
  account: AccessClaims | undefined;
  welcomed: Promise<boolean> | undefined; // hello's session write under way (connection-port.ts)
  readonly rooms = new Map<string, RoomCursor>();
  get #floodBytes(): number {
    return MAX_WAITING_BYTES + READ_CHUNK_BYTES + 2 * this.ctx.options.maxFrameBytes;
  }

  /** Frames from this size on go compressed: permessage-deflate negotiated (deflate.ts), else ∞. */
  readonly #deflateFrom: number;
  /** Made on first use (`sync`): most connections never follow a feed. */
  #feeds: Map<string, FeedCursor> | undefined;
  /** Cleared on every ping, set only by a pong (frames do not count); see heartbeat.ts. */
  alive = true;
  #chain: Promise<void> = SETTLED;
  /** Frames on #chain not yet handled, and their size on the wire. */
  #waiting = 0;
  #waitingBytes = 0;
  /** The socket is not being read (too much work waiting); a pong may sit unread meanwhile. */
  #readPaused = false;
  #pausedSinceBeat = false;
  #closing = false;
  /** A valid hello is on the chain: a broken one behind it is not the connection's first. */
  #helloQueued = false;
  /** Set on shutdown: new frames are refused while in-flight work finishes. */
  #draining = false;
  /** Sends stored or being stored whose ack has not been written yet. */
  #inflight = 0;
  #idle: (() => void) | undefined;
  /** Dropped once hello succeeds: an idle connection holds no timer of its own. */
  #helloTimer: NodeJS.Timeout | undefined;
  /** Frame and write buckets of this connection (rate-limit.ts). */
  readonly #limits: ConnectionLimits;
  /** The user id this connection counts against in ctx.userLimits. */
  #countedAs: string | undefined;

  constructor(ws: WebSocket, ctx: ServerContext, ip: string) {
    this.id = `${ctx.hub.node}-${nextId++}`;
    this.ws = ws;
    this.ctx = ctx;
    this.ip = ip;
    this.#limits = new ConnectionLimits(ctx.options);
    this.#deflateFrom = takesDeflate(ws) ? ctx.options.compressMinBytes : Infinity;
    this.#helloTimer = setTimeout(() => {
      if (!this.user) this.close(CLOSE.hello_timeout, 'hello timeout');
    }, ctx.options.helloTimeoutMs);
    // Shared listeners, no closures per socket (socket-events.ts); each entry point is guarded.
    listen(ws, this);
  }

  get user(): UserRef | undefined {
    return this.#user;
  }

  set user(user: UserRef | undefined) {
    this.#user = user;
    if (user && this.#helloTimer) {
      clearTimeout(this.#helloTimer);
      this.#helloTimer = undefined;
    }
  }

  get feeds(): Map<string, FeedCursor> {
    return (this.#feeds ??= new Map());
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** `prepared`: `frame` already encoded, when the same bytes go to many connections. */
  send(frame: ServerFrame, prepared?: PreparedFrame): void {
    this.ctx.metrics.sent(frame);
    this.sendPrepared(prepared ?? prepareFrame(JSON.stringify(frame)));
  }

  sendPrepared(prepared: PreparedFrame): void {
    if (this.#closing || this.ws.readyState !== this.ws.OPEN) return;
    // Frames of this turn are held until its end (wire.ts) and count here; past the limit they
    // are written out first, so only what the kernel did not take decides.
    const max = this.ctx.options.maxQueuedBytes;
    if (queuedBytes(this.ws, max - prepared.bytes) + prepared.bytes > max) {
      this.ctx.log.warn({ conn: this.id, queued: this.ws.bufferedAmount }, 'slow consumer closed');
      this.close(CLOSE.slow_consumer, 'outbound queue full; resume from your last seq');
      return;
    }
    writePrepared(this.ws, prepared, prepared.bytes >= this.#deflateFrom);
  }

  /** Ephemeral frames (presence, typing) are dropped once the socket is a quarter full: never delay events. */
  sendEphemeral(prepared: PreparedFrame): void {
    if (queuedBytes(this.ws, this.ctx.options.maxQueuedBytes / 4) > this.ctx.options.maxQueuedBytes / 4) return;
    this.sendPrepared(prepared);
  }

  /** A committed room event from the hub: written once, in order, never twice. */
  deliverEvent(room: string, seq: number, prepared: PreparedFrame): void {
    const cursor = this.rooms.get(room) ?? this.#feeds?.get(room);
    if (!cursor) return;
    if (cursor.pending) {
      cursor.pending.push({ seq, prepared });
      return;
    }
    if (seq <= cursor.lastSent) return;
    cursor.lastSent = seq;
    this.sendPrepared(prepared);
  }

  /**
   * Kicked or banned: forget the room now (so no further event reaches this socket and its
   * queued writes for the room fail `not_member`), tell the client, then unsubscribe and
   * update presence.
   */
  evict(room: string, reason: RemovedFrame['reason'], by: UserRef): void {
    if (!this.rooms.delete(room)) return;
    this.ctx.metrics.evicted(reason);
    this.send({ type: 'removed', room, reason, by });
    const { ctx, user } = this;
    const work = (async () => {
      await ctx.hub.unsubscribe(room, this);
      if (user && (await ctx.presence.exit(room, user))) ctx.presenceChanged(room);
    })();
    work.catch((err: unknown) => ctx.log.error({ conn: this.id, err, room }, 'evict failed'));
  }

  error(code: ErrorCode, id?: string, message: string = ERRORS[code].message): void {
    const frame: ServerFrame = { type: 'error', code, message, retryable: ERRORS[code].retryable };
    this.send(id === undefined ? frame : { ...frame, id });
  }

  /**
   * Resolves once the socket has drained below half its queue limit (used between replay pages).
   * A peer that does not read it within `drainTimeoutMs` is closed as a slow consumer (4001):
   * the wait holds this connection's frames, so it must end.
   */
  drained(): Promise<void> {
    const limit = this.ctx.options.maxQueuedBytes / 2;
    if (queuedBytes(this.ws, limit) <= limit || this.#closing) return Promise.resolve();
    const socket = (this.ws as unknown as { _socket?: NodeJS.EventEmitter })._socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(deadline);
        socket.off('drain', done);
        this.ws.off('close', done);
        resolve();
      };
      const deadline = setTimeout(() => {
        this.ctx.log.warn(
          { conn: this.id, queued: this.ws.bufferedAmount },
          'drain deadline passed; slow consumer closed',
        );
        this.close(CLOSE.slow_consumer, 'outbound queue did not drain; resume from your last seq');
        done();
      }, this.ctx.options.drainTimeoutMs);
      socket.on('drain', done);
      this.ws.on('close', done);
    });
  }

  /** For the heartbeat: reading was paused since the last call, so a missing pong proves nothing. */
  readPausedSinceBeat(): boolean {
    const paused = this.#readPaused || this.#pausedSinceBeat;
    this.#pausedSinceBeat = false;
    return paused;
  }

  /** Counts work that must finish (e.g. a send until its ack is written) before a graceful close. */
  track(work: Promise<void>): void {
    this.#inflight++;
    void work.finally(() => {
      if (--this.#inflight === 0) this.#idle?.();
    });
  }

  /**
   * Graceful close: refuse new frames, let the handler in progress and every tracked send
   * finish (so their acks go out), then close. Gives up waiting after `timeoutMs`.
   */
  async shutdown(code: number, reason: string, timeoutMs: number): Promise<void> {
    this.#draining = true;
    const settled = this.#chain.then(() =>
      this.#inflight === 0 ? undefined : new Promise<void>((resolve) => (this.#idle = resolve)),
    );
    await Promise.race([settled, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.close(code, reason);
  }

  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.ctx.metrics.closed(code);
    this.ws.close(code, reason);
    setTimeout(() => this.cut(), CLOSE_GRACE_MS).unref();
  }

  /**
   * Ends the socket now, with a TCP reset: after a plain close, a peer that does not read would
   * hold the kernel's send buffer (up to megabytes, zero-window probes answered for as long as the
   * peer's kernel lives) and never learn of the FIN queued behind it. The heartbeat ends dead
   * peers this way too.
   */
  cut(): void {
    const socket = (this.ws as unknown as { _socket?: { resetAndDestroy?: () => void } })._socket;
    socket?.resetAndDestroy?.();
    this.ws.terminate();
  }

  /** Charges the rate limits, then handles the frame: at once, or in order once a shared limiter answers. */
  received(data: Buffer, isBinary: boolean): void | Promise<void> {
    if (this.#closing) return;
    if (isBinary) {
      this.ctx.metrics.frameIn('binary');
      return this.#limits.admit(undefined, this.user?.id, this.ctx.userLimits, (verdict) => {
        if (!verdict.ok) this.ctx.metrics.refused(undefined);
        if (verdict.ok) this.error('binary_unsupported');
        else this.#rateLimited(verdict, undefined);
      });
    }
    const decoded = decodeClientFrame(data.toString('utf8'));
    const type = decoded.ok ? decoded.frame.type : undefined;
    this.ctx.metrics.frameIn(type);
    return this.#limits.admit(type, this.user?.id, this.ctx.userLimits, (verdict) =>
      this.#admitted(verdict, decoded, data.length),
    );
  }

  #admitted(verdict: Verdict, decoded: ReturnType<typeof decodeClientFrame>, bytes: number): void {
    if (this.#closing) return;
    if (!verdict.ok) {
      this.ctx.metrics.refused(decoded.ok ? decoded.frame.type : undefined);
      this.#rateLimited(verdict, decoded.ok ? ('id' in decoded.frame ? decoded.frame.id : undefined) : decoded.id);
      return;
    }
    if (!decoded.ok) {
      this.error(decoded.code, decoded.id, decoded.message);
      // A refused hello leaves nothing to do on this connection: close with a "stop" code.
      if (!this.user && !this.#helloQueued && decoded.type === 'hello') {
        this.close(decoded.code === 'version_unsupported' ? CLOSE.unsupported_protocol : CLOSE.rejected, decoded.code);
      }
      return;
    }
    if (this.#draining) {
      this.error('unavailable', 'id' in decoded.frame ? decoded.frame.id : undefined);
      return;
    }
    // Reading is paused, yet frames keep coming: inflated from what was read already (a 64 KiB
    // read of compressed frames can hold megabytes). Past what plain frames could be, close.
    if (this.#readPaused && this.#waitingBytes + bytes > this.#floodBytes) {
      this.ctx.log.warn({ conn: this.id, ip: this.ip, waiting: this.#waitingBytes }, 'compressed flood; closing');
      this.close(CLOSE.too_big, 'too many inflated frames waiting');
      return;
    }
    if (decoded.frame.type === 'hello') this.#helloQueued = true;
    this.#waiting++;
    this.#waitingBytes += bytes;
    if (!this.#readPaused && (this.#waiting > MAX_WAITING_FRAMES || this.#waitingBytes > MAX_WAITING_BYTES)) {
      this.#readPaused = this.#pausedSinceBeat = true;
      this.ws.pause();
    }
    // Frames run one after another so a send always sees the join before it.
    this.#chain = this.#chain
      .then(() => (this.#closing ? undefined : this.#run(decoded.frame)))
      .catch((err: unknown) => {
        this.ctx.log.error({ conn: this.id, err }, 'handler failed');
        const id = 'id' in decoded.frame ? decoded.frame.id : undefined;
        // The failure may have come from the socket itself; never let the error path throw too.
        try {
          this.error('internal', id);
        } catch {
          this.ws.terminate();
        }
      })
      .finally(() => this.#handled(bytes));
  }

  /** A frame is done: read again once the waiting work is down to half the caps. */
  #handled(bytes: number): void {
    this.#waiting--;
    this.#waitingBytes -= bytes;
    // Nothing more on the chain: an idle connection holds no promise of its own.
    if (this.#waiting === 0) this.#chain = SETTLED;
    // Once closing, frames are dropped unread: reading them would only cost time.
    if (!this.#readPaused || this.#closing || this.#waiting > MAX_WAITING_FRAMES / 2) return;
    if (this.#waitingBytes > MAX_WAITING_BYTES / 2) return;
    this.#readPaused = false;
    this.ws.resume();
  }

  /** Something unexpected failed outside a handler: say so, then close so the client resumes cleanly. */
  failed(): void {
    this.error('internal');
    this.close(CLOSE.server_error, 'internal error; reconnect and resume');
  }

  /** Refused by a rate limit: nothing was done; after too many refusals the connection is closed. */
  #rateLimited(verdict: Verdict & { ok: false }, id: string | undefined): void {
    this.send(rateLimitedFrame(verdict, id));
    if (verdict.close) {
      this.ctx.log.warn({ conn: this.id, ip: this.ip }, 'rate limit abuse; closing');
      this.close(verdict.close.code, verdict.close.reason);
    }
  }

  /**
   * Claims one of the user's connection slots, before hello sends anything: an over-cap
   * connection never sees a welcome. Synchronous check-and-add, so two simultaneous hellos of
   * one user cannot both take the last slot. False (nothing claimed) when the user is at the cap.
   */
  claimUserSlot(userId: string): boolean {
    if (this.#countedAs !== undefined) return this.#countedAs === userId;
    if (!this.ctx.userLimits.attach(userId, this)) return false;
    this.#countedAs = userId;
    return true;
  }

  /** dispatch, plus the per-user cap on rooms joined at once (connections per user: claimUserSlot). */
  async #run(frame: ClientFrame): Promise<void> {
    // Hello's session write committing: a join goes on (shares the commit, answers after the welcome).
    const welcomed = this.welcomed;
    if (welcomed && frame.type !== 'join' && !(await welcomed)) return;
    // Counted from the user's connections' rooms when asked (user-limits.ts): a kick or ban
    // that takes a room away without a leave frame needs no bookkeeping.
    if (frame.type === 'join' && this.#countedAs !== undefined && !this.rooms.has(frame.room)) {
      if (!this.ctx.userLimits.mayJoin(this.#countedAs, frame.room)) {
        if (welcomed && !(await welcomed)) return;
        const max = this.ctx.options.maxRoomsPerUser;
        this.error('too_many_rooms', frame.id, `You may have at most ${max} rooms joined at once; leave one first`);
        return;
      }
    }
    await dispatch(this, frame);
  }

  /** The socket closed (socket-events.ts): unsubscribe, leave presence, release the user's slot. */
  async closed(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#helloTimer);
    this.#helloTimer = undefined;
    const { ctx } = this;
    ctx.connections.delete(this);
    // The handler in progress (cleanup sees every room it joined) and a welcome under way first.
    await this.#chain;
    await this.welcomed;
    if (this.#countedAs !== undefined) ctx.userLimits.detach(this.#countedAs, this);
    for (const channel of this.#feeds?.keys() ?? []) await ctx.hub.unsubscribe(channel, this);
    this.#feeds?.clear();
    const user = this.user;
    if (!user) return;
    for (const room of this.rooms.keys()) {
      await ctx.hub.unsubscribe(room, this);
      if (await ctx.presence.exit(room, user)) ctx.presenceChanged(room);
    }
    this.rooms.clear();
    await ctx.presence.disconnect(user);
    ctx.statuses.disconnected(this, user);
  }
}
