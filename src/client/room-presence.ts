/**
 * Room presence in the SDK (docs/protocol.md, _Room presence_): each room's online set, from the
 * full view the server sends once after a join and the `joined` / `left` changes after it. A
 * large room is a count only. A change that cannot be applied (no full view yet) or that leaves
 * the set at another size than the server's count asks for the full view again (an `online`
 * frame), once until it comes.
 */
import type { PresenceFrame, UserRef } from '../protocol/frames.ts';

interface Room {
  /** Undefined while the room is a count only (large), or before a full view. */
  names: Map<string, UserRef> | undefined;
  count: number;
  /** Online users the server does not list to us (they block us): in `count`, not in `names`. */
  hidden: number;
}

export interface RoomPresenceDeps {
  readonly emit: (room: string, online: UserRef[], count: number) => void;
  /** Sends `{type: 'online', room}`. */
  readonly ask: (room: string) => void;
}

const byNick = (a: UserRef, b: UserRef): number => a.nick.localeCompare(b.nick) || (a.id < b.id ? -1 : 1);

export class RoomPresenceBook {
  readonly #d: RoomPresenceDeps;
  readonly #rooms = new Map<string, Room>();
  /** Rooms whose full view was asked for and has not come yet. */
  readonly #asked = new Set<string>();

  constructor(deps: RoomPresenceDeps) {
    this.#d = deps;
  }

  apply(frame: PresenceFrame): void {
    const { room } = frame;
    const count = Math.max(0, frame.count ?? frame.online?.length ?? 0);
    let r = this.#rooms.get(room);
    if (frame.online) {
      this.#asked.delete(room);
      const hidden = Math.max(0, frame.hidden ?? 0);
      r = { names: new Map(frame.online.map((u) => [u.id, u])), count: frame.online.length, hidden };
    } else if (frame.joined || frame.left) {
      if (r?.names) {
        for (const u of frame.left ?? []) r.names.delete(u.id);
        for (const u of frame.joined ?? []) r.names.set(u.id, u);
        r.count = count;
        if (r.names.size + r.hidden !== count) this.#ask(room);
      } else {
        r = { names: undefined, count, hidden: 0 };
        this.#ask(room);
      }
    } else {
      // A large room: a count, no names.
      r = { names: undefined, count, hidden: 0 };
    }
    this.#rooms.set(room, r);
    this.#emit(room, r);
  }

  /** The room's online users (by nickname; empty while only a count is known) and how many. */
  get(room: string): { online: UserRef[]; count: number } | undefined {
    const r = this.#rooms.get(room);
    return r && { online: r.names ? [...r.names.values()].sort(byNick) : [], count: r.count };
  }

  /** The room is no longer followed (left, removed): its presence is unknown. */
  forget(room: string): void {
    this.#rooms.delete(room);
    this.#asked.delete(room);
  }

  /** The link dropped: a full view comes with each re-join, so earlier asks are void. */
  dropped(): void {
    this.#asked.clear();
  }

  #ask(room: string): void {
    if (this.#asked.has(room)) return;
    this.#asked.add(room);
    this.#d.ask(room);
  }

  #emit(room: string, r: Room): void {
    const online = r.names ? [...r.names.values()].sort(byNick) : [];
    this.#d.emit(room, online, r.names ? online.length : r.count);
  }
}
