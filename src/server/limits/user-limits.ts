/**
 * Abuse limits after the upgrade: token buckets per connection (all frames, and writes) and per
 * user (writes, across all of the user's connections), a strike counter that closes abusive
 * connections, per-user caps on concurrent connections and joined rooms, and the typing throttle.
 * See docs/security.md ("Limits") for the defaults and why.
 */
import {
  CLOSE,
  type ClientFrame,
  MODERATION_KINDS,
  ROOM_META_KINDS,
  TokenBucket,
  TYPING_THROTTLE_MS,
  TYPING_TTL_MS,
} from '../../protocol/index.ts';
import type { ServerOptions } from '../options.ts';

/** Frames that write to a room log (or create a room, or moderate one): limited by the write buckets. */
export const WRITE_TYPES: ReadonlySet<string> = new Set<ClientFrame['type']>([
  'send',
  'edit',
  'delete',
  'react',
  'create',
  'dm',
  // Each moderation and room-setting kind is also the type of its request frame.
  ...MODERATION_KINDS,
  ...ROOM_META_KINDS,
]);

/** Window in which `rateStrikes` rate_limited answers close the connection. */
export const STRIKE_WINDOW_MS = 10_000;

interface UserEntry {
  readonly writes: TokenBucket;
  /** Open connections that completed hello as this user. */
  readonly conns: Set<object>;
  /** How many of the user's connections have each room joined. */
  readonly rooms: Map<string, number>;
}

export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryAfterMs: number; readonly close?: { code: number; reason: string } };

/** Typing signals one user may have forwarded in a room at once; then one per TYPING_THROTTLE_MS. */
export const TYPING_BURST = 2;

interface Typist {
  /** Every forwarded signal, `on` or `off`, takes a token: alternating cannot go faster. */
  readonly bucket: TokenBucket;
  /** The state last forwarded, and when an `on` last went out (renewals are due after the throttle). */
  shown: boolean;
  onAt: number;
  /** The latest state asked for, and how to forward it (from the connection that asked). */
  want: boolean;
  send: (on: boolean) => void;
  /** One timer per entry: the held-back change when the bucket is empty (`held`), else forgetting the entry. */
  timer: NodeJS.Timeout | undefined;
  held: boolean;
}

/**
 * Typing per user and room, across all of the user's connections: repeats are not forwarded, and
 * forwarded signals come from a token bucket (TYPING_BURST, then one per TYPING_THROTTLE_MS), so
 * two `on`s are at least the throttle apart. A change met by an empty bucket is held and the
 * latest state goes out when a token is back, so receivers end up right. An entry is forgotten
 * TYPING_TTL_MS after its last forwarded signal (receivers have expired it; the bucket is full):
 * memory follows the users typing now.
 */
export class TypingThrottle {
  readonly #typists = new Map<string, Typist>();

  /** User `userId` asks for `on` in `room`; `send` forwards it to the room's others. */
  signal(userId: string, room: string, on: boolean, send: (on: boolean) => void, now = Date.now()): void {
    const key = `${userId}\n${room}`;
    let t = this.#typists.get(key);
    if (!t) {
      const bucket = new TokenBucket(1000 / TYPING_THROTTLE_MS, TYPING_BURST, now);
      t = { bucket, shown: false, onAt: 0, want: on, send, timer: undefined, held: false };
      this.#typists.set(key, t);
    }
    t.want = on;
    t.send = send;
    // While a change is held, the timer forwards whatever was asked for last.
    if (!t.held) this.#pump(key, t, now);
  }

  #pump(key: string, t: Typist, now: number): void {
    const change = t.want !== t.shown;
    const renewal = t.want && t.shown && now - t.onAt >= TYPING_THROTTLE_MS;
    if (!change && !renewal) {
      if (!t.timer) this.#arm(key, t, TYPING_TTL_MS, false);
      return;
    }
    const wait = t.bucket.take(now);
    if (wait > 0) {
      // A renewal can be dropped (the client renews again); a change waits for its token.
      if (change) this.#arm(key, t, wait, true);
      return;
    }
    t.shown = t.want;
    if (t.want) t.onAt = now;
    this.#arm(key, t, TYPING_TTL_MS, false);
    t.send(t.want);
  }

  #arm(key: string, t: Typist, ms: number, held: boolean): void {
    clearTimeout(t.timer);
    t.held = held;
    t.timer = setTimeout(() => {
      t.timer = undefined;
      t.held = false;
      if (held) this.#pump(key, t, Date.now());
      else if (this.#typists.get(key) === t) this.#typists.delete(key);
    }, ms);
    t.timer.unref();
  }

  /** Entries held (for tests and metrics). */
  get size(): number {
    return this.#typists.size;
  }
}

/** One per server: per-user state, released when a user's last connection closes. */
export class UserLimits {
  readonly #options: ServerOptions;
  readonly #users = new Map<string, UserEntry>();
  /** Typing per user and room; its entries expire on their own (a user may type, then close). */
  readonly typing = new TypingThrottle();

  constructor(options: ServerOptions) {
    this.#options = options;
  }

  #entry(userId: string): UserEntry {
    let e = this.#users.get(userId);
    if (!e) {
      const o = this.#options;
      e = { writes: new TokenBucket(o.userWritesPerSec, o.userWritesBurst), conns: new Set(), rooms: new Map() };
      this.#users.set(userId, e);
    }
    return e;
  }

  /** A connection completed hello as this user; false when the user is at maxConnectionsPerUser. */
  attach(userId: string, conn: object): boolean {
    const e = this.#entry(userId);
    if (!e.conns.has(conn) && e.conns.size >= this.#options.maxConnectionsPerUser) {
      if (e.conns.size === 0) this.#users.delete(userId);
      return false;
    }
    e.conns.add(conn);
    return true;
  }

  detach(userId: string, conn: object, rooms: Iterable<string>): void {
    const e = this.#users.get(userId);
    if (!e || !e.conns.delete(conn)) return;
    for (const room of rooms) this.leftRoom(userId, room);
    if (e.conns.size === 0) this.#users.delete(userId);
  }

  takeWrite(userId: string): number {
    return this.#users.get(userId)?.writes.take() ?? 0;
  }

  /** Whether joining one more room keeps the user within maxRoomsPerUser (rooms joined at once). */
  mayJoin(userId: string, room: string): boolean {
    const e = this.#users.get(userId);
    if (!e || e.rooms.has(room)) return true;
    return e.rooms.size < this.#options.maxRoomsPerUser;
  }

  joinedRoom(userId: string, room: string): void {
    const e = this.#users.get(userId);
    if (e) e.rooms.set(room, (e.rooms.get(room) ?? 0) + 1);
  }

  leftRoom(userId: string, room: string): void {
    const e = this.#users.get(userId);
    const n = e?.rooms.get(room);
    if (!e || n === undefined) return;
    if (n <= 1) e.rooms.delete(room);
    else e.rooms.set(room, n - 1);
  }

  /** Users with live state (for tests and metrics). */
  get size(): number {
    return this.#users.size;
  }
}

/** One per connection: its frame and write buckets and its strikes. */
export class ConnectionLimits {
  readonly #options: ServerOptions;
  readonly #frames: TokenBucket;
  readonly #writes: TokenBucket;
  #strikes: number[] = [];

  constructor(options: ServerOptions) {
    this.#options = options;
    this.#frames = new TokenBucket(options.connFramesPerSec, options.connFramesBurst);
    this.#writes = new TokenBucket(options.connWritesPerSec, options.connWritesBurst);
  }

  /**
   * Admits one inbound frame (`type` when it decoded to a known frame). Writes also take from the
   * user's bucket. A refusal carries retryAfterMs and, after too many refusals, a close.
   */
  admit(type: ClientFrame['type'] | undefined, userId: string | undefined, users: UserLimits): Verdict {
    const now = Date.now();
    let wait = this.#frames.take(now);
    if (wait === 0 && type !== undefined && WRITE_TYPES.has(type)) {
      // Check both write buckets before taking from either, so a refusal costs nothing.
      wait = this.#writes.peek(now);
      if (wait === 0 && userId !== undefined) wait = users.takeWrite(userId);
      if (wait === 0) this.#writes.take(now);
    }
    if (wait === 0) return { ok: true };
    this.#strikes.push(now);
    while (this.#strikes.length > 0 && (this.#strikes[0] as number) <= now - STRIKE_WINDOW_MS) this.#strikes.shift();
    if (this.#strikes.length >= this.#options.rateStrikes) {
      return { ok: false, retryAfterMs: wait, close: { code: CLOSE.rate_abuse, reason: 'rate limit abuse' } };
    }
    return { ok: false, retryAfterMs: wait };
  }
}
