/**
 * Healing the fan-out (docs/reliability.md, _Lost publishes_). The broker is a fast path that may
 * lose a publish (Redis pub/sub drops what it sends while a connection is down) or deliver two
 * nodes' publishes to one room out of seq order. The hub therefore tracks, for each log channel
 * with subscribers on this node (a room, or a user's own log), the last seq it delivered here:
 *
 * - An event right after it goes out at once: no store read, no allocation (the hot path, hub.ts).
 * - An event at or below it is a duplicate and is dropped.
 * - An event past a gap is held; on the next turn of the event loop (a reordered publish already
 *   in the socket's buffer fills the gap with no read) the missing seqs are read from the store
 *   and go out first, each framed as a live one, then the held ones, in order. A healed kick or
 *   ban still evicts: the evict is derived from the stored event as core/commit.ts derives it.
 * - A lost tail (no later event comes) is found by the position check: every `--heal-interval-ms`
 *   one batched read of the heads of all these rooms (and of up to 64 user logs' heads, in turn), and at once
 *   after the broker reconnected. A channel still behind a head that an earlier check saw (so its
 *   publish had a whole interval to arrive) is healed up to the head now read; after a reconnect
 *   any channel behind its head is.
 *
 * When the store cannot fill a gap (an error, or the seqs are not there) the held events go out
 * as they are, and the client's own gap detection fills it (docs/protocol.md, _Resume_).
 */
import { isRemovalKind, type RoomEvent, type UserEvent } from '../../protocol/index.ts';
import type { BrokerMessage } from '../broker/broker.ts';
import type { Logger } from '../log.ts';
import type { RoomLogStore } from '../store/room-log.ts';
import type { UserLogStore } from '../store/user-log.ts';
import type { Subscriber } from './subscriber.ts';

/** What healing reads of the store. */
export type HealStore = Pick<RoomLogStore, 'history' | 'heads'> & Pick<UserLogStore, 'userLog' | 'userHead'>;

/** A user's own log travels on `user:<id>` (core/user-feed.ts, `userChannel`); room names never hold ':'. */
const USER_PREFIX = 'user:';
/** Events read per store read while healing. */
const PAGE = 500;
/**
 * User heads are read one by one (the user-log port has no batched read): a periodic check reads
 * at most this many, taking turns over the followed logs; a check after a reconnect reads all.
 */
const USERS_PER_CHECK = 64;

export type Evict = BrokerMessage['evict'];

/** A log channel with subscribers on this node, and how far its log was delivered here. */
export interface Channel {
  readonly subs: Set<Subscriber>;
  /** Settles once the broker subscription is active and the position is read. */
  ready: Promise<void>;
  /** seq of the last event delivered on this node; -1 until known. */
  last: number;
  /** Events that arrived past a gap, or while the position was read or a heal ran. Usually empty. */
  readonly held: BrokerMessage[];
  /** The position is being read or a heal runs: arrivals wait in `held`. */
  busy: boolean;
  /** Heal at least up to this seq (set by a position check). */
  target: number;
  /** The head read by the previous position check. */
  seen: number;
}

/** Writes one event to the channel's subscribers on this node (evicting first when told). */
export type Fan = (ch: Channel, name: string, seq: number, payload: string, evict: Evict) => void;

export interface HealStats {
  /** Store reads made to fill gaps. */
  reads: number;
  /** Events delivered from the store rather than from the broker. */
  healed: number;
  /** Events dropped as already delivered. */
  duplicates: number;
  /** Position checks run. */
  checks: number;
}

const maxSeq = (held: readonly BrokerMessage[]): number => (held.length === 0 ? 0 : held[held.length - 1]!.seq);

export class Healer {
  readonly stats: HealStats = { reads: 0, healed: 0, duplicates: 0, checks: 0 };
  readonly #store: HealStore;
  readonly #log: Logger;
  readonly #channels: ReadonlyMap<string, Channel>;
  readonly #fan: Fan;
  #checking = false;
  /** Where the next periodic check's turn over the user logs starts. */
  #userTurn = 0;
  /** A check was asked for while one ran: 'eager' after a reconnect. */
  #again: 'no' | 'lazy' | 'eager' = 'no';

  constructor(store: HealStore, log: Logger, channels: ReadonlyMap<string, Channel>, fan: Fan) {
    this.#store = store;
    this.#log = log;
    this.#channels = channels;
    this.#fan = fan;
  }

  /** A new channel whose position is not known yet: arrivals are held until `position`. */
  static channel(conn: Subscriber, busy: boolean): Channel {
    return { subs: new Set([conn]), ready: Promise.resolve(), last: -1, held: [], busy, target: 0, seen: 0 };
  }

  /**
   * Once the broker subscription is active: the head now is where this node's delivery starts
   * (anything committed later is published after, so it arrives or is healed). A connection that
   * subscribes reads its own head after this, and replays up to it itself (core/feed.ts).
   */
  async position(ch: Channel, name: string): Promise<void> {
    try {
      ch.last = await this.#head(name);
      ch.seen = ch.last;
    } catch (err) {
      // Unknown: the first event to arrive sets it.
      this.#log.warn({ err, channel: name }, 'fan-out position not read');
    }
    ch.busy = false;
    if (ch.held.length > 0) this.#heal(ch, name);
  }

  /** An event that is not the next one, or that came while the channel is busy. */
  arrive(ch: Channel, name: string, message: BrokerMessage): void {
    if (ch.last >= 0 && message.seq <= ch.last) {
      this.stats.duplicates++;
      return;
    }
    ch.held.push(message);
    if (!ch.busy) this.#heal(ch, name);
  }

  /**
   * Compares the heads of every log channel with what was delivered here, in one read for the
   * rooms. Lazy (periodic): heals a channel still behind the head the previous check saw. Eager
   * (after a reconnect): heals any channel behind its head.
   */
  async check(eager: boolean): Promise<void> {
    if (this.#checking) {
      if (eager || this.#again === 'no') this.#again = eager ? 'eager' : 'lazy';
      return;
    }
    this.#checking = true;
    this.stats.checks++;
    try {
      const rooms: string[] = [];
      const users: string[] = [];
      for (const [name, ch] of this.#channels) {
        if (ch.last >= 0) (name.startsWith(USER_PREFIX) ? users : rooms).push(name);
      }
      const heads = rooms.length > 0 ? await this.#store.heads(rooms) : new Map<string, number>();
      for (const batch of this.#userTurns(users, eager)) {
        const read = await Promise.all(batch.map((name) => this.#head(name)));
        batch.forEach((name, j) => heads.set(name, read[j]!));
      }
      for (const [name, head] of heads) {
        const ch = this.#channels.get(name);
        if (!ch || ch.last < 0) continue;
        const behind = eager ? head : ch.seen;
        ch.seen = head;
        if (behind <= ch.last) continue;
        ch.target = Math.max(ch.target, head);
        if (!ch.busy) this.#heal(ch, name);
      }
    } catch (err) {
      this.#log.warn({ err }, 'fan-out position check failed');
    } finally {
      this.#checking = false;
    }
    const again = this.#again;
    this.#again = 'no';
    if (again !== 'no') await this.check(again === 'eager');
  }

  /** The user logs this check reads, in batches: all of them when eager, else the next turn's. */
  #userTurns(users: readonly string[], eager: boolean): string[][] {
    if (users.length === 0) return [];
    if (eager || users.length <= USERS_PER_CHECK) {
      const batches: string[][] = [];
      for (let i = 0; i < users.length; i += USERS_PER_CHECK) batches.push(users.slice(i, i + USERS_PER_CHECK));
      return batches;
    }
    const start = this.#userTurn % users.length;
    this.#userTurn = start + USERS_PER_CHECK;
    const turn = users.slice(start, start + USERS_PER_CHECK);
    if (turn.length < USERS_PER_CHECK) turn.push(...users.slice(0, USERS_PER_CHECK - turn.length));
    return [turn];
  }

  #head(name: string): Promise<number> {
    if (name.startsWith(USER_PREFIX)) return this.#store.userHead(name.slice(USER_PREFIX.length));
    return this.#store.heads([name]).then((heads) => heads.get(name) ?? 0);
  }

  #heal(ch: Channel, name: string): void {
    ch.busy = true;
    // On the next turn: a reordered publish already read from the socket fills the gap with no read.
    setImmediate(() => void this.#run(ch, name));
  }

  async #run(ch: Channel, name: string): Promise<void> {
    try {
      for (;;) {
        if (this.#channels.get(name) !== ch) {
          // Every subscriber left: nothing to deliver to.
          ch.held.length = 0;
          return;
        }
        this.#release(ch, name);
        const want = Math.max(ch.target, maxSeq(ch.held));
        if (want <= ch.last) return;
        if (ch.last < 0) {
          // The position was never read: start from what arrived.
          ch.last = ch.held[0]!.seq - 1;
          continue;
        }
        this.stats.reads++;
        if ((await this.#read(ch, name, Math.min(want - ch.last, PAGE))) === 0) {
          this.#log.warn({ channel: name, after: ch.last, want }, 'fan-out gap not in the store; sent as it is');
          this.#flush(ch, name);
          return;
        }
      }
    } catch (err) {
      this.#log.warn({ err, channel: name }, 'fan-out gap not filled; sent as it is');
      this.#flush(ch, name);
    } finally {
      ch.busy = false;
      ch.target = 0;
    }
  }

  /** Delivers the held events that follow `last` without a gap; drops those already delivered. */
  #release(ch: Channel, name: string): void {
    const { held } = ch;
    if (held.length === 0) return;
    if (held.length > 1) held.sort((a, b) => a.seq - b.seq);
    let i = 0;
    for (; i < held.length; i++) {
      const m = held[i]!;
      if (m.seq <= ch.last) {
        this.stats.duplicates++;
        continue;
      }
      if (m.seq !== ch.last + 1) break;
      ch.last = m.seq;
      this.#fan(ch, name, m.seq, m.payload, m.evict);
    }
    held.splice(0, i);
  }

  /** Gives up on the gap: the held events go out in order as they are. */
  #flush(ch: Channel, name: string): void {
    const { held } = ch;
    held.sort((a, b) => a.seq - b.seq);
    for (const m of held) {
      if (m.seq <= ch.last) continue;
      ch.last = m.seq;
      this.#fan(ch, name, m.seq, m.payload, m.evict);
    }
    held.length = 0;
  }

  /** Reads up to `limit` events after `last` and delivers them in order; how many it delivered. */
  async #read(ch: Channel, name: string, limit: number): Promise<number> {
    const user = name.startsWith(USER_PREFIX);
    const events: readonly (RoomEvent | UserEvent)[] = user
      ? (await this.#store.userLog(name.slice(USER_PREFIX.length), ch.last, limit)).events
      : (await this.#store.history(name, { after: ch.last, limit })).events;
    let n = 0;
    for (const event of events) {
      if (event.seq <= ch.last) continue;
      if (event.seq !== ch.last + 1) break;
      ch.last = event.seq;
      n++;
      this.stats.healed++;
      if (user) {
        this.#fan(ch, name, event.seq, JSON.stringify({ type: 'user', ...event }), undefined);
      } else {
        const e = event as RoomEvent;
        // As core/commit.ts: a kick or ban evicts the target's sockets before the event goes out.
        const evict: Evict =
          isRemovalKind(e.kind) && e.target ? { user: e.target.id, reason: e.kind, by: e.sender } : undefined;
        this.#fan(ch, name, e.seq, JSON.stringify({ type: 'event', ...e }), evict);
      }
    }
    return n;
  }
}
