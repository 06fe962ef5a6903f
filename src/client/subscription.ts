/**
 * Room subscriptions: per room, the join (and re-join after every welcome, resuming after the
 * last seq), ordered once-only delivery through a RoomTracker, gap fill from history, and the
 * room's metadata folded from `joined` and later events (info, your role).
 */
import type { EventFrame, JoinedFrame, RemovedFrame, RoomEvent, RoomInfo, RoomRole } from '../protocol/index.ts';
import { LIMITS } from '../protocol/limits.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { ClientError, closedError } from './errors.ts';
import type { Emitter } from './events.ts';
import { newId } from './ids.ts';
import type { Link } from './link.ts';
import { removedError } from './moderation.ts';
import type { ReadState } from './read-state.ts';
import type { RequestFrame, Requests } from './requests.ts';
import { RoomTracker } from './room.ts';
import type { ClientEvents } from './types.ts';

type Timer = ReturnType<typeof setTimeout>;

interface RoomState {
  readonly name: string;
  readonly tracker: RoomTracker;
  info: RoomInfo | undefined;
  /** The connection on which the join completed; sends wait until it is the current one. */
  joinedOn: number | undefined;
  /** Request id of the join in flight. */
  joining: string | undefined;
  waiters: { resolve: (info: RoomInfo) => void; reject: (error: ClientError) => void }[];
  /** Token of the running gap fill, so only one runs per room. */
  filling: object | undefined;
  /** Retryable join failures in a row, for spacing out join retries. */
  failures: number;
  retryTimer: Timer | undefined;
  /** Your role: from `joined`, then from `role` events that name you. */
  role: RoomRole | undefined;
}

export interface SubscriptionsOptions {
  readonly link: Link;
  readonly emitter: Emitter<ClientEvents>;
  readonly requests: Requests;
  readonly read: ReadState;
  readonly backoff: BackoffOptions;
  /** A room stopped being tracked: nobody in it is typing any more. */
  forgotten(room: string): void;
  /** A room stopped being tracked: its queued writes fail with `error`. */
  failWrites(room: string, error: ClientError): void;
  /** Write everything that may go now (a join completed or a gate went away). */
  flush(): void;
}

export class Subscriptions {
  readonly #o: SubscriptionsOptions;
  readonly #link: Link;
  readonly #emitter: Emitter<ClientEvents>;
  readonly #rooms = new Map<string, RoomState>();

  constructor(options: SubscriptionsOptions) {
    this.#o = options;
    this.#link = options.link;
    this.#emitter = options.emitter;
  }

  role(room: string): RoomRole | undefined {
    return this.#rooms.get(room)?.role;
  }

  lastSeq(room: string): number | undefined {
    return this.#rooms.get(room)?.tracker.lastSeq;
  }

  /** A frame for `room` may go out once the room (if we track it) has joined on this connection. */
  gateOpen(room: string | undefined): boolean {
    if (room === undefined) return true;
    const rs = this.#rooms.get(room);
    return rs === undefined || rs.joinedOn === this.#link.conn;
  }

  /** Tracked, and joined on the current connection. */
  joinedHere(room: string): boolean {
    return this.#rooms.get(room)?.joinedOn === this.#link.conn;
  }

  join(room: string): Promise<RoomInfo> {
    if (this.#link.state === 'closed') return Promise.reject(closedError());
    let rs = this.#rooms.get(room);
    if (!rs) {
      rs = newRoomState(room);
      this.#rooms.set(room, rs);
    }
    if (rs.info && rs.joinedOn === this.#link.conn && this.#link.connected()) return Promise.resolve(rs.info);
    const state = rs;
    return new Promise((resolve, reject) => {
      state.waiters.push({ resolve, reject });
      if (this.#link.connected() && state.joining === undefined && state.retryTimer === undefined) {
        this.#sendJoin(state);
      }
    });
  }

  /** Stop tracking `room` (left): its waiters and queued writes fail with `error`. */
  forget(room: string, error: ClientError): void {
    const rs = this.#rooms.get(room);
    if (rs) this.#forgetRoom(rs, error);
  }

  /** Kicked or banned: the server already dropped the room; forget it and fail its queued writes. */
  removed(frame: RemovedFrame): void {
    this.forget(frame.room, removedError(frame));
    this.#o.read.forget(frame.room);
    this.#emitter.emit('removed', { room: frame.room, reason: frame.reason, by: frame.by });
  }

  event(frame: EventFrame): void {
    const rs = this.#rooms.get(frame.room);
    if (!rs) return; // a room we left; late events are not ours any more
    const { type: _type, ...event } = frame;
    this.#deliver(rs, rs.tracker.receive(event));
    if (rs.tracker.gapAfter() !== undefined) void this.#fillGap(rs);
  }

  /** After welcome: re-join every room; sends follow each join. */
  resume(): void {
    for (const rs of this.#rooms.values()) {
      if (rs.joining === undefined && rs.retryTimer === undefined) this.#sendJoin(rs);
    }
  }

  /** The connection dropped: every room must join again on the next one. */
  dropped(): void {
    for (const rs of this.#rooms.values()) {
      rs.joinedOn = undefined;
      rs.joining = undefined;
      if (rs.retryTimer !== undefined) clearTimeout(rs.retryTimer);
      rs.retryTimer = undefined;
    }
  }

  close(error: ClientError): void {
    this.dropped();
    for (const rs of this.#rooms.values()) {
      const waiters = rs.waiters;
      rs.waiters = [];
      for (const w of waiters) w.reject(error);
    }
  }

  #sendJoin(rs: RoomState): void {
    const id = newId();
    rs.joining = id;
    const resume = rs.tracker.resumePoint();
    const frame: RequestFrame = resume
      ? { type: 'join', id, room: rs.name, after: resume.after, epoch: resume.epoch }
      : { type: 'join', id, room: rs.name };
    this.#o.requests.dispatch({
      frame,
      expect: 'joined',
      room: undefined,
      // Rooms are re-joined on every welcome anyway; a join that hangs means the connection is bad.
      onDrop: 'forget',
      onTimeout: 'reconnect',
      resolve: (f) => this.#onJoined(rs, id, f as JoinedFrame),
      reject: (err) => this.#onJoinFailed(rs, id, err),
    });
  }

  #onJoined(rs: RoomState, id: string, frame: JoinedFrame): void {
    if (this.#rooms.get(rs.name) !== rs || rs.joining !== id) return;
    rs.joining = undefined;
    rs.joinedOn = this.#link.conn;
    rs.info = frame.room;
    rs.role = frame.role;
    rs.failures = 0;
    const outcome = rs.tracker.joined(frame.room, frame.from, frame.reset);
    // Counts cover the log up to their `at`: taken before any event of this join is delivered.
    this.#o.read.joined(frame, outcome.reset);
    if (outcome.reset) this.#emitter.emit('reset', { room: rs.name, room_info: frame.room });
    if (this.#rooms.get(rs.name) !== rs) return; // the app left the room from its reset listener
    const waiters = rs.waiters;
    rs.waiters = [];
    for (const w of waiters) w.resolve(frame.room);
    this.#deliver(rs, outcome.deliver);
    // Sends and requests that waited for this room go out now, after the join.
    this.#o.flush();
    if (rs.tracker.gapAfter() !== undefined) void this.#fillGap(rs);
  }

  #onJoinFailed(rs: RoomState, id: string, error: ClientError): void {
    if (this.#rooms.get(rs.name) !== rs || rs.joining !== id) return;
    rs.joining = undefined;
    if (error.retryable) {
      const conn = this.#link.conn;
      rs.retryTimer = setTimeout(
        () => {
          rs.retryTimer = undefined;
          if (this.#link.isCurrent(conn) && this.#rooms.get(rs.name) === rs) this.#sendJoin(rs);
        },
        backoffDelay(rs.failures++, this.#o.backoff),
      );
      return;
    }
    const hadWaiters = rs.waiters.length > 0;
    this.#forgetRoom(rs, error);
    // A re-join after reconnect has nobody waiting on it: tell the app.
    if (!hadWaiters) this.#emitter.emit('error', error);
  }

  #forgetRoom(rs: RoomState, error: ClientError): void {
    this.#rooms.delete(rs.name);
    this.#o.forgotten(rs.name);
    if (rs.retryTimer !== undefined) clearTimeout(rs.retryTimer);
    rs.retryTimer = undefined;
    rs.filling = undefined;
    const waiters = rs.waiters;
    rs.waiters = [];
    for (const w of waiters) w.reject(error);
    this.#o.failWrites(rs.name, error);
    // Requests held for this room's join are no longer held.
    this.#o.flush();
  }

  #deliver(rs: RoomState, events: RoomEvent[]): void {
    for (const event of events) {
      if (this.#rooms.get(rs.name) !== rs) return;
      if (event.kind === 'role' && event.target?.id === this.#link.user?.id) rs.role = event.body as RoomRole;
      this.#o.read.roomEvent(event);
      this.#emitter.emit('event', event);
    }
  }

  /** Fetch missing events with history, page by page, until the room is contiguous again. */
  async #fillGap(rs: RoomState): Promise<void> {
    if (rs.filling) return;
    const token = {};
    rs.filling = token;
    const generation = rs.tracker.generation;
    const stale = (): boolean =>
      this.#link.state !== 'connected' ||
      this.#rooms.get(rs.name) !== rs ||
      rs.tracker.generation !== generation ||
      rs.filling !== token;
    try {
      for (let after = rs.tracker.gapAfter(); after !== undefined && !stale(); after = rs.tracker.gapAfter()) {
        const frame: RequestFrame = {
          type: 'history',
          id: newId(),
          room: rs.name,
          after,
          limit: LIMITS.historyMaxLimit,
        };
        const page = await this.#o.requests.request(frame, 'history', {
          room: rs.name,
          onDrop: 'reject',
          queue: false,
        });
        if (stale()) return;
        this.#deliver(rs, rs.tracker.fill(page.events));
        if (rs.tracker.lastSeq === after) {
          // History has nothing after `after` although later events exist: never wedge the room.
          const message = `Room "${rs.name}": events after seq ${after} are missing; skipped ahead`;
          this.#emitter.emit('error', new ClientError('gap_unfilled', message, false));
          this.#deliver(rs, rs.tracker.skipGap());
        }
      }
    } catch {
      // Dropped or timed out: a re-join replays from lastSeq, or the next event retries.
    } finally {
      if (rs.filling === token) rs.filling = undefined;
    }
  }
}

function newRoomState(name: string): RoomState {
  return {
    name,
    tracker: new RoomTracker(name),
    info: undefined,
    joinedOn: undefined,
    joining: undefined,
    waiters: [],
    filling: undefined,
    failures: 0,
    retryTimer: undefined,
    role: undefined,
  };
}
