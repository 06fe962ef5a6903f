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
 */
import type { PresenceFrame, UserRef } from '../../protocol/index.ts';
import type { Presence } from './presence.ts';

/** A connection that wants a room's full view: sent only while it is still in the room. */
export interface PresenceViewer {
  readonly rooms: ReadonlyMap<string, unknown>;
  send(frame: PresenceFrame): void;
}

export interface RoomPresenceDeps {
  /** The engine. */
  readonly presence: Presence;
  readonly largeRoomOnline: number;
  /** To every subscriber of the room on every node (ephemeral). */
  readonly broadcast: (room: string, json: string) => void;
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
      setImmediate(() => this.#d.guard(() => this.#flush()));
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
        this.#show(changes.viewers, room, frame);
        if (changed) this.#d.broadcast(room, JSON.stringify(frame));
        continue;
      }
      const wasCounted = this.#counted.delete(room);
      if (wasCounted || changes.full) {
        online ??= await p.online(room);
        const frame: PresenceFrame = { type: 'presence', room, count: online.length, online: online.map(user) };
        this.#show(changes.viewers, room, frame);
        this.#d.broadcast(room, JSON.stringify(frame));
        continue;
      }
      // The full view first: the changes up to it then apply to it exactly, wherever they arrive.
      if (online)
        this.#show(changes.viewers, room, { type: 'presence', room, count: online.length, online: online.map(user) });
      if (changes.joined.size + changes.left.size > 0) {
        const frame: PresenceFrame = {
          type: 'presence',
          room,
          count,
          ...(changes.joined.size > 0 ? { joined: [...changes.joined.values()] } : {}),
          ...(changes.left.size > 0 ? { left: [...changes.left.values()] } : {}),
        };
        this.#d.broadcast(room, JSON.stringify(frame));
      }
    }
  }

  #show(viewers: ReadonlySet<PresenceViewer>, room: string, frame: PresenceFrame): void {
    for (const v of viewers) if (v.rooms.has(room)) v.send(frame);
  }
}
