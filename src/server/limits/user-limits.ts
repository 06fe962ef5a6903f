/**
 * Abuse limits after the upgrade: token buckets per connection (all frames, and writes) and per
 * user (writes, across all of the user's connections, on every node sharing the Limiters engine),
 * a strike counter that closes abusive connections, per-user caps on concurrent connections and
 * joined rooms (counted per node), and the typing throttle (per node). See docs/security.md
 * ("Limits") for the defaults and why.
 */
import {
  CLOSE,
  type ClientFrame,
  type ErrorFrame,
  MODERATION_KINDS,
  ROOM_META_KINDS,
  TokenBucket,
} from '../../protocol/index.ts';
import type { ServerOptions } from '../options.ts';
import type { Limiter, Limiters, Wait } from './limiter.ts';
import { MemoryLimiters } from './memory-limiter.ts';
import { TypingThrottle } from './typing-throttle.ts';

/** Frames that write to a room log (or create a room, or moderate one): limited by the write buckets. */
export const WRITE_TYPES: ReadonlySet<string> = new Set<ClientFrame['type']>([
  'send',
  'edit',
  'delete',
  'react',
  'create',
  'dm',
  'block',
  'unblock',
  'profile',
  // Each moderation and room-setting kind is also the type of its request frame.
  ...MODERATION_KINDS,
  ...ROOM_META_KINDS,
]);

/** Window in which `rateStrikes` rate_limited answers close the connection. */
export const STRIKE_WINDOW_MS = 10_000;

/** What the caps see of a connection: the rooms it has joined now. */
export interface Attached {
  readonly rooms: ReadonlyMap<string, unknown>;
}

/**
 * The user's open connections on this node that completed hello: the one connection itself (the
 * usual case, nothing allocated), or an array of them. Joined rooms are read from them when
 * asked, so an idle connection costs one Map entry here.
 */
type UserEntry = Attached | Attached[];

export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryAfterMs: number; readonly close?: { code: number; reason: string } };

const GRANTED: Verdict = { ok: true };

/** The answer to a frame a rate limit refused: nothing was done; retry after `retryAfterMs`. */
export function rateLimitedFrame(verdict: Verdict & { ok: false }, id: string | undefined): ErrorFrame {
  const { retryAfterMs } = verdict;
  const message = `Too many frames; retry in ${retryAfterMs} ms`;
  return {
    type: 'error',
    ...(id === undefined ? {} : { id }),
    code: 'rate_limited',
    message,
    retryable: true,
    retryAfterMs,
  };
}

/**
 * One per server node. The user's write budget is a bucket of the Limiters engine (`user-writes`,
 * keyed by user id), so nodes sharing the engine share it. The caps on concurrent connections and
 * joined rooms are counts of this node's sockets, kept here and released when the user's last
 * connection on this node closes: per node.
 */
export class UserLimits {
  readonly #options: ServerOptions;
  readonly #users = new Map<string, UserEntry>();
  readonly #writes: Limiter;
  /** Typing per user and room; its entries expire on their own (a user may type, then close). */
  readonly typing: TypingThrottle;

  constructor(options: ServerOptions, limiters: Limiters = new MemoryLimiters()) {
    this.#options = options;
    this.#writes = limiters.bucket('user-writes', options.userWritesPerSec, options.userWritesBurst);
    this.typing = new TypingThrottle(limiters);
  }

  /** A connection completed hello as this user; false when the user is at maxConnectionsPerUser. */
  attach(userId: string, conn: Attached): boolean {
    const e = this.#users.get(userId);
    if (e === undefined) {
      if (this.#options.maxConnectionsPerUser < 1) return false;
      this.#users.set(userId, conn);
      return true;
    }
    const conns = Array.isArray(e) ? e : [e];
    if (conns.includes(conn)) return true;
    if (conns.length >= this.#options.maxConnectionsPerUser) return false;
    this.#users.set(userId, [...conns, conn]);
    return true;
  }

  detach(userId: string, conn: Attached): void {
    const e = this.#users.get(userId);
    if (e === conn) this.#users.delete(userId);
    else if (Array.isArray(e)) {
      const rest = e.filter((c) => c !== conn);
      if (rest.length === e.length) return;
      this.#users.set(userId, rest.length === 1 ? (rest[0] as Attached) : rest);
    }
  }

  /** One write of the user's: 0, or the ms to wait (nothing taken). A shared engine may answer later. */
  takeWrite(userId: string): Wait {
    return this.#writes.take(userId);
  }

  /** Whether joining one more room keeps the user within maxRoomsPerUser (rooms joined at once). */
  mayJoin(userId: string, room: string): boolean {
    const e = this.#users.get(userId);
    if (e === undefined) return true;
    const max = this.#options.maxRoomsPerUser;
    if (!Array.isArray(e)) return e.rooms.has(room) || e.rooms.size < max;
    const joined = new Set<string>();
    for (const conn of e) {
      if (conn.rooms.has(room)) return true;
      for (const name of conn.rooms.keys()) joined.add(name);
    }
    return joined.size < max;
  }

  /** On shutdown: no typing timer outlives the node. */
  close(): void {
    this.typing.close();
  }

  /** Users with live state on this node (for tests and metrics). */
  get size(): number {
    return this.#users.size;
  }
}

/**
 * One per connection: its frame and write buckets and its strikes. These buckets count one
 * socket, so they live with it (the same TokenBucket the memory engine keeps per key); only the
 * user's write budget goes to the Limiters engine.
 */
export class ConnectionLimits {
  readonly #options: ServerOptions;
  readonly #frames: TokenBucket;
  /** Made on the first write frame, and the strikes on the first refusal: idle sockets hold neither. */
  #writes: TokenBucket | undefined;
  #strikes: number[] | undefined;
  /**
   * Set while an engine's answer is awaited: the frames behind it wait too, so verdicts (and the
   * frames they let through) keep the order the frames came in. Unset, verdicts are synchronous.
   */
  #queue: Promise<void> | undefined;

  constructor(options: ServerOptions) {
    this.#options = options;
    this.#frames = new TokenBucket(options.connFramesPerSec, options.connFramesBurst);
  }

  /**
   * Admits one inbound frame (`type` when it decoded to a known frame) and hands the verdict to
   * `then`: at once when every bucket answers at once (the memory engine), else later, in the
   * order the frames came. Writes also take from the user's bucket. A refusal carries
   * retryAfterMs and, after too many refusals, a close. Returns a Promise only when `then` runs
   * later (it rejects if `then` throws).
   */
  admit(
    type: ClientFrame['type'] | undefined,
    userId: string | undefined,
    users: UserLimits,
    then: (verdict: Verdict) => void,
  ): void | Promise<void> {
    // The frame bucket is charged on arrival, also while earlier frames wait for the engine: it
    // bounds how many can wait.
    const now = Date.now();
    const framed = this.#frames.take(now);
    if (this.#queue === undefined) {
      const verdict = this.#decide(framed, type, userId, users, now);
      if (!(verdict instanceof Promise)) {
        then(verdict);
        return;
      }
      return this.#enqueue(verdict.then(then));
    }
    return this.#enqueue(
      this.#queue.then(async () => {
        const verdict = this.#decide(framed, type, userId, users, Date.now());
        then(verdict instanceof Promise ? await verdict : verdict);
      }),
    );
  }

  #enqueue(work: Promise<void>): Promise<void> {
    // A failing `then` is the caller's to report; the frames behind it still get their verdicts.
    const tail = work.catch(() => undefined);
    this.#queue = tail;
    void tail.then(() => {
      if (this.#queue === tail) this.#queue = undefined;
    });
    return work;
  }

  /** `framed`: what the frame bucket answered. */
  #decide(
    framed: number,
    type: ClientFrame['type'] | undefined,
    userId: string | undefined,
    users: UserLimits,
    now: number,
  ): Verdict | Promise<Verdict> {
    if (framed > 0 || type === undefined || !WRITE_TYPES.has(type)) return this.#verdict(framed, now);
    // Check both write buckets before taking from either, so a refusal costs nothing.
    this.#writes ??= new TokenBucket(this.#options.connWritesPerSec, this.#options.connWritesBurst, now);
    const own = this.#writes.peek(now);
    if (own > 0 || userId === undefined) return this.#wrote(own, now);
    const user = users.takeWrite(userId);
    return typeof user === 'number' ? this.#wrote(user, now) : user.then((w) => this.#wrote(w, Date.now()));
  }

  /** The write's verdict, once the user's bucket answered `wait`: granted, it takes this connection's token. */
  #wrote(wait: number, now: number): Verdict {
    if (wait === 0) this.#writes?.take(now);
    return this.#verdict(wait, now);
  }

  #verdict(wait: number, now: number): Verdict {
    if (wait === 0) return GRANTED;
    const strikes = (this.#strikes ??= []);
    strikes.push(now);
    while (strikes.length > 0 && (strikes[0] as number) <= now - STRIKE_WINDOW_MS) strikes.shift();
    if (strikes.length >= this.#options.rateStrikes) {
      return { ok: false, retryAfterMs: wait, close: { code: CLOSE.rate_abuse, reason: 'rate limit abuse' } };
    }
    return { ok: false, retryAfterMs: wait };
  }
}
