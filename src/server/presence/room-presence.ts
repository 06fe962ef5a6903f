/**
 * Room presence to clients (docs/protocol.md, _Room presence_): who is in each room on some
 * connection, told as changes, so a join costs every other member O(1).
 *
 * - Each first entry and last exit of a user in a room (the engine's `enter` / `exit` answering
 *   true) is recorded as a change of the room; the changes of one tick go out as one `presence`
 *   frame per room with `joined` / `left` (net: in and out again within the tick is nothing).
 * - A connection that joins (or asks with an `online` frame) gets the full view once, read in the
 *   same turn as the changes it follows, so every later change applies to it exactly.
 * - A large room (more than `largeRoomOnline` online) gets `{count}` only; when it is no longer
 *   large everyone gets the full view once. A lapse (another node's users purged) sends the full
 *   view too.
 * - Blocking (docs/protocol.md, _Blocking_): nobody is listed to a person they block. A full view
 *   leaves out whoever blocks its viewer and says how many it left out (`hidden`). Frames to a
 *   whole room go out once, `screened`: each node leaves out of them, per recipient, whoever blocks
 *   that recipient (`screen` below), from its own book of its own connections — the blocker may
 *   be on any node, unknown to the sender's.
 */
import type { PresenceFrame, TypingFrame, UserRef } from '../../protocol/index.ts';
import { prepareFrame, type PreparedFrame } from '../gateway/wire.ts';
import type { Presence } from './presence.ts';
import type { SignalClock } from '../fanout/signal-clock.ts';

/** A connection that wants a room's full view: sent only while it is still in the room. */
export interface PresenceViewer {
  readonly user: UserRef | undefined;
  readonly rooms: ReadonlyMap<string, unknown>;
  /** `prepared`: the frame already encoded (and compressed once), shared by every viewer. */
  send(frame: PresenceFrame, prepared?: PreparedFrame): void;
}

export interface RoomPresenceDeps {
  /** The engine. */
  readonly presence: Presence;
  readonly largeRoomOnline: number;
  /**
   * To every subscriber of the room on every node (ephemeral); `screened`: each node leaves out,
   * per recipient, whoever blocks them (`screen`).
   */
  readonly broadcast: (room: string, json: string, screened?: boolean) => void;
  /** Who blocks a user connected here (core/block-book.ts, loaded at hello, kept current). */
  readonly blockedBy?: (userId: string) => ReadonlySet<string> | undefined;
  /** The user with the freshest display name this node knows (core/name-book.ts). */
  readonly named?: (u: UserRef) => UserRef;
  /** Runs the flush where a failure is logged, not thrown (guard.ts). */
  readonly guard: (work: () => Promise<void>) => void;
  /**
   * The clock status signals flush on: a change less than a period after the last flush waits
   * for its next tick (and shares the sockets' writes with status); otherwise it goes at once.
   */
  readonly clock?: SignalClock;
}

interface Pending {
  readonly joined: Map<string, UserRef>;
  readonly left: Map<string, UserRef>;
  readonly viewers: Set<PresenceViewer>;
  /** Everyone gets the full view (a lapse). */
  full: boolean;
}

/** As listed: id, nick, the guest flag, and the display name (when it has one; read at flush time). */
const user = (u: UserRef): UserRef => ({
  id: u.id,
  nick: u.nick,
  ...(u.guest ? { guest: true as const } : {}),
  ...(u.name === undefined ? {} : { name: u.name }),
});

export class RoomPresence {
  /** The engine, wrapped so that every change of a room's online set is recorded here. */
  readonly presence: Presence;
  readonly #d: RoomPresenceDeps;
  readonly #pending = new Map<string, Pending>();
  /** Rooms this node last told as a count (large): leaving that state sends the full view. */
  readonly #counted = new Set<string>();
  /** Joins on this node between their start and their `enter`, by room. */
  readonly #arriving = new Map<string, number>();
  #scheduled = false;
  /** When the last flush started (performance.now()). */
  #lastFlush = -Infinity;
  /** Flushes run one after another, so a full view is never overtaken by a later change. */
  #flushing: Promise<void> = Promise.resolve();

  constructor(deps: RoomPresenceDeps) {
    this.#d = deps;
    const p = deps.presence;
    this.presence = {
      connect: (u) => p.connect(u),
      disconnect: (u) => p.disconnect(u),
      enter: async (room, u) => {
        const first = await p.enter(room, u);
        if (first) this.#record(room, u, true);
        return first;
      },
      exit: async (room, u) => {
        const last = await p.exit(room, u);
        if (last) this.#record(room, u, false);
        return last;
      },
      online: (room) => p.online(room),
      count: (room) => p.count(room),
      activity: (u, conn, a) => p.activity(u, conn, a),
      release: (u, conn) => p.release(u, conn),
      holders: (ids) => p.holders(ids),
      ...(p.watch ? { watch: p.watch.bind(p) } : {}),
    };
  }

  /**
   * Whether the room is large (more than `largeRoomOnline` online) counting the joins under way on
   * this node: in a storm most joins commit before any of them is online. The caller must call
   * `arrived` once its join is over (in or out).
   */
  arriving(room: string): Promise<boolean> {
    // Counted at once (not after an await), so a failing read still pairs with `arrived`.
    const under = (this.#arriving.get(room) ?? 0) + 1;
    this.#arriving.set(room, under);
    return this.#d.presence.count(room).then((online) => online + under - 1 > this.#d.largeRoomOnline);
  }

  arrived(room: string): void {
    const under = (this.#arriving.get(room) ?? 1) - 1;
    if (under > 0) this.#arriving.set(room, under);
    else this.#arriving.delete(room);
  }

  /** Whether the room is large now (a leave's question). */
  async large(room: string): Promise<boolean> {
    return (await this.#d.presence.count(room)) > this.#d.largeRoomOnline;
  }

  /** Marks the room changed (its changes were recorded already): nothing more than a flush. */
  changed(room: string): void {
    this.#entry(room);
  }

  /** The engine lost entries behind this node's back: everyone in the room gets the full view. */
  lapsed(room: string): void {
    this.#entry(room).full = true;
  }

  /** Sends this connection the room's full view (or count) at the next flush. */
  view(room: string, viewer: PresenceViewer): void {
    this.#entry(room).viewers.add(viewer);
  }

  #record(room: string, u: UserRef, entered: boolean): void {
    const p = this.#entry(room);
    const [add, cancel] = entered ? [p.joined, p.left] : [p.left, p.joined];
    // Out and back in (or in and out) within one flush: no change to tell.
    if (!cancel.delete(u.id)) add.set(u.id, user(u));
  }

  #entry(room: string): Pending {
    let p = this.#pending.get(room);
    if (!p) this.#pending.set(room, (p = { joined: new Map(), left: new Map(), viewers: new Set(), full: false }));
    if (!this.#scheduled) {
      this.#scheduled = true;
      const run = (): void => {
        this.#flushing = this.#flushing.then(
          () =>
            new Promise<void>((done) =>
              this.#d.guard(async () => {
                try {
                  await this.#flush();
                } finally {
                  done();
                }
              }),
            ),
        );
      };
      // Busy (a storm of joins): one flush per tick, in the same write as status, not one per turn.
      const clock = this.#d.clock;
      if (clock && performance.now() - this.#lastFlush < clock.periodMs) clock.at(0, run);
      else setImmediate(run);
    }
    return p;
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    this.#lastFlush = performance.now();
    const pending = [...this.#pending];
    this.#pending.clear();
    const p = this.#d.presence;
    // Every read starts in this turn, with the changes just taken: a local engine answers as of
    // now, so a full view and the changes after it never overlap.
    const reads = pending.map(([room, changes]) => {
      const listed = !this.#counted.has(room) && (changes.full || changes.viewers.size > 0);
      return { room, changes, count: p.count(room), online: listed ? this.#online(room) : undefined };
    });
    for (const r of reads) {
      const count = await r.count;
      let online = r.online && (await r.online);
      const { room, changes } = r;
      if (count > this.#d.largeRoomOnline) {
        const frame: PresenceFrame = { type: 'presence', room, count };
        const changed = changes.joined.size + changes.left.size > 0 || changes.full || !this.#counted.has(room);
        this.#counted.add(room);
        for (const v of changes.viewers) if (v.rooms.has(room)) v.send(frame);
        if (changed) this.#d.broadcast(room, JSON.stringify(frame));
        continue;
      }
      const wasCounted = this.#counted.delete(room);
      if (wasCounted || changes.full) {
        online ??= await this.#online(room);
        this.#show(changes.viewers, room, online);
        this.#d.broadcast(room, JSON.stringify(view(room, online, new Set())), true);
        continue;
      }
      // The full view first: the changes up to it then apply to it exactly, wherever they arrive.
      if (online) this.#show(changes.viewers, room, online);
      if (changes.joined.size + changes.left.size > 0) this.#changes(room, count, changes);
    }
  }

  /** The room's online users, each with the freshest display name this node knows. */
  async #online(room: string): Promise<UserRef[]> {
    const online = await this.#d.presence.online(room);
    const named = this.#d.named;
    return named ? online.map((u) => named(u)) : online;
  }

  /** Each viewer's full view, without the people who block the viewer. */
  #show(viewers: ReadonlySet<PresenceViewer>, room: string, online: readonly UserRef[]): void {
    // One frame, encoded and compressed once, for every viewer nobody in it blocks (most of them:
    // a storm of resumes asks for hundreds of views of one room in a flush).
    let shared: { frame: PresenceFrame; prepared: PreparedFrame } | undefined;
    for (const v of viewers) {
      if (!v.rooms.has(room)) continue;
      const me = v.user?.id;
      const hidden = me && this.#d.blockedBy?.(me);
      if (hidden && hidden.size > 0) {
        v.send(view(room, online, hidden));
        continue;
      }
      if (!shared) {
        const frame = view(room, online, NOBODY);
        shared = { frame, prepared: prepareFrame(JSON.stringify(frame)) };
      }
      v.send(shared.frame, shared.prepared);
    }
  }

  /**
   * A change, one frame for all, screened: those blocked by a changed user get it without them.
   * The count then disagrees with what they see: their SDK asks for its full view (`online`).
   */
  #changes(room: string, count: number, changes: Pending): void {
    const frame: PresenceFrame = {
      type: 'presence',
      room,
      count,
      ...(changes.joined.size > 0 ? { joined: [...changes.joined.values()] } : {}),
      ...(changes.left.size > 0 ? { left: [...changes.left.values()] } : {}),
    };
    this.#d.broadcast(room, JSON.stringify(frame), true);
  }
}

/**
 * A screened signal (presence or typing) as someone blocked by `blockers` may see it: undefined
 * when it names none of them, null when there is nothing left to send (typing by a blocker).
 * A change with nothing left in it is still sent, as `left: []` (not a large room's bare count).
 */
export function screen(json: string, blockers: ReadonlySet<string>): string | null | undefined {
  if (blockers.size === 0) return undefined;
  const f = JSON.parse(json) as PresenceFrame | TypingFrame;
  if (f.type === 'typing') return blockers.has(f.user.id) ? null : undefined;
  if (f.type !== 'presence') return undefined;
  const keep = (us: readonly UserRef[] | undefined): UserRef[] => (us ?? []).filter((u) => !blockers.has(u.id));
  if (f.online) {
    const online = keep(f.online);
    const left = f.online.length - online.length;
    return left === 0 ? undefined : JSON.stringify({ ...f, online, hidden: (f.hidden ?? 0) + left });
  }
  const joined = keep(f.joined);
  const left = keep(f.left);
  if (joined.length === (f.joined?.length ?? 0) && left.length === (f.left?.length ?? 0)) return undefined;
  const out: PresenceFrame = {
    type: 'presence',
    room: f.room,
    count: f.count,
    ...(joined.length > 0 ? { joined } : {}),
    ...(left.length > 0 || joined.length === 0 ? { left } : {}),
  };
  return JSON.stringify(out);
}

const NOBODY: ReadonlySet<string> = new Set();

/** A full view without the users of `hidden`, saying how many it left out. */
function view(room: string, online: readonly UserRef[], hidden: ReadonlySet<string>): PresenceFrame {
  const shown = hidden.size === 0 ? online : online.filter((u) => !hidden.has(u.id));
  const left = online.length - shown.length;
  return {
    type: 'presence',
    room,
    count: online.length,
    online: shown.map(user),
    ...(left > 0 ? { hidden: left } : {}),
  };
}
