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
 *   leaves out whoever blocks its viewer and says how many it left out (`hidden`); a change about
 *   someone who blocks people goes to everyone else as is and to those blocked without that
 *   someone. With no blocks among the changed users, one frame goes to all, as before.
 */
import type { PresenceFrame, UserRef } from '../../protocol/index.ts';
import type { Presence } from './presence.ts';

/** A connection that wants a room's full view: sent only while it is still in the room. */
export interface PresenceViewer {
  readonly user: UserRef | undefined;
  readonly rooms: ReadonlyMap<string, unknown>;
  send(frame: PresenceFrame): void;
}

export interface RoomPresenceDeps {
  /** The engine. */
  readonly presence: Presence;
  readonly largeRoomOnline: number;
  /**
   * To every subscriber of the room on every node (ephemeral), but the users of `hide`; with
   * `only`, to those users alone.
   */
  readonly broadcast: (room: string, json: string, hide?: readonly string[], only?: readonly string[]) => void;
  /** Whom a user blocks, as this node knows it (core/block-book.ts; every user connected here). */
  readonly hiddenFrom?: (userId: string) => readonly string[] | undefined;
  /** Those of `among` who block `userId`, from the store (complete on every node). */
  readonly blockers?: (userId: string, among: readonly string[]) => Promise<string[]>;
  /** Runs the flush where a failure is logged, not thrown (guard.ts). */
  readonly guard: (work: () => Promise<void>) => void;
}

interface Pending {
  readonly joined: Map<string, UserRef>;
  readonly left: Map<string, UserRef>;
  readonly viewers: Set<PresenceViewer>;
  /** Everyone gets the full view (a lapse). */
  full: boolean;
}

const user = (u: UserRef): UserRef => ({ id: u.id, nick: u.nick });

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
      setImmediate(() => {
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
      });
    }
    return p;
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const pending = [...this.#pending];
    this.#pending.clear();
    const p = this.#d.presence;
    // Every read starts in this turn, with the changes just taken: a local engine answers as of
    // now, so a full view and the changes after it never overlap.
    const reads = pending.map(([room, changes]) => {
      const listed = !this.#counted.has(room) && (changes.full || changes.viewers.size > 0);
      return { room, changes, count: p.count(room), online: listed ? p.online(room) : undefined };
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
        online ??= await p.online(room);
        await this.#show(changes.viewers, room, online);
        this.#everyone(room, online);
        continue;
      }
      // The full view first: the changes up to it then apply to it exactly, wherever they arrive.
      if (online) await this.#show(changes.viewers, room, online);
      if (changes.joined.size + changes.left.size > 0) this.#changes(room, count, changes);
    }
  }

  /** Each viewer's full view, without the people who block the viewer. */
  async #show(viewers: ReadonlySet<PresenceViewer>, room: string, online: readonly UserRef[]): Promise<void> {
    for (const v of viewers) {
      const me = v.user?.id;
      const others = online.filter((u) => u.id !== me).map((u) => u.id);
      const hidden = me && others.length > 0 && this.#d.blockers ? await this.#d.blockers(me, others) : [];
      if (v.rooms.has(room)) v.send(view(room, online, new Set(hidden)));
    }
  }

  /** The full view to everyone in the room (a lapse, no longer large): tailored for the blocked. */
  #everyone(room: string, online: readonly UserRef[]): void {
    // Blocked user id → the online users who block them.
    const by = new Map<string, Set<string>>();
    for (const u of online)
      for (const id of this.#d.hiddenFrom?.(u.id) ?? []) {
        let set = by.get(id);
        if (!set) by.set(id, (set = new Set()));
        set.add(u.id);
      }
    this.#d.broadcast(room, JSON.stringify(view(room, online, new Set())), [...by.keys()]);
    for (const [hidden, ids] of grouped(by))
      this.#d.broadcast(room, JSON.stringify(view(room, online, hidden)), [], ids);
  }

  /** A change: one frame for all; those blocked by a changed user get it without that user. */
  #changes(room: string, count: number, changes: Pending): void {
    const frame = (leave: ReadonlySet<string>): PresenceFrame => {
      const joined = [...changes.joined.values()].filter((u) => !leave.has(u.id));
      const left = [...changes.left.values()].filter((u) => !leave.has(u.id));
      return {
        type: 'presence',
        room,
        count,
        ...(joined.length > 0 ? { joined } : {}),
        // Still a change when nothing in it may be shown (not a large room's bare count).
        ...(left.length > 0 || joined.length === 0 ? { left } : {}),
      };
    };
    // Blocked user id → the changed users who block them. Empty unless a changed user blocks someone.
    const by = new Map<string, Set<string>>();
    for (const id of [...changes.joined.keys(), ...changes.left.keys()])
      for (const blocked of this.#d.hiddenFrom?.(id) ?? []) {
        let set = by.get(blocked);
        if (!set) by.set(blocked, (set = new Set()));
        set.add(id);
      }
    this.#d.broadcast(room, JSON.stringify(frame(new Set())), [...by.keys()]);
    // The count then disagrees with what these people see: their SDK asks for its full view (`online`).
    for (const [leave, ids] of grouped(by)) this.#d.broadcast(room, JSON.stringify(frame(leave)), [], ids);
  }
}

/**
 * The recipients by the set hidden from them: everyone one blocker blocks shares one frame, so a
 * user who blocks many people costs one more frame per change, not one per person.
 */
function grouped(by: ReadonlyMap<string, ReadonlySet<string>>): [ReadonlySet<string>, string[]][] {
  const groups = new Map<string, [ReadonlySet<string>, string[]]>();
  for (const [id, hidden] of by) {
    const key = [...hidden].sort().join(' ');
    const g = groups.get(key);
    if (g) g[1].push(id);
    else groups.set(key, [hidden, [id]]);
  }
  return [...groups.values()];
}

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
