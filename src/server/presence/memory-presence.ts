/** Single-node presence: reference counts per user and per (room, user). */
import type { UserRef, UserState } from '../../protocol/index.ts';
import type { Activity, Holder, Presence } from './presence.ts';

interface Held {
  user: UserRef;
  count: number;
}

export class MemoryPresence implements Presence {
  /** Lower-cased nickname → the user holding it. */
  readonly #nicks = new Map<string, Held>();
  readonly #rooms = new Map<string, Map<string, Held>>();
  /** User id → the user and the activity of each of their counted connections. */
  readonly #activity = new Map<string, { user: UserRef; conns: Map<string, Activity> }>();

  async connect(user: UserRef): Promise<boolean> {
    const key = user.nick.toLowerCase();
    const held = this.#nicks.get(key);
    if (held && held.user.id !== user.id) return false;
    if (held) held.count++;
    else this.#nicks.set(key, { user, count: 1 });
    return true;
  }

  async disconnect(user: UserRef): Promise<void> {
    const key = user.nick.toLowerCase();
    const held = this.#nicks.get(key);
    if (held?.user.id === user.id && --held.count === 0) this.#nicks.delete(key);
  }

  async enter(room: string, user: UserRef): Promise<boolean> {
    let members = this.#rooms.get(room);
    if (!members) this.#rooms.set(room, (members = new Map()));
    const held = members.get(user.id);
    if (held) {
      held.count++;
      return false;
    }
    members.set(user.id, { user, count: 1 });
    return true;
  }

  async exit(room: string, user: UserRef): Promise<boolean> {
    const members = this.#rooms.get(room);
    const held = members?.get(user.id);
    if (!members || !held || --held.count > 0) return false;
    members.delete(user.id);
    if (members.size === 0) this.#rooms.delete(room);
    return true;
  }

  async rename(room: string, user: UserRef): Promise<void> {
    const held = this.#rooms.get(room)?.get(user.id);
    if (held) held.user = user;
  }

  async online(room: string): Promise<UserRef[]> {
    const members = this.#rooms.get(room);
    return members ? [...members.values()].map((h) => h.user).sort((a, b) => a.nick.localeCompare(b.nick)) : [];
  }

  async count(room: string): Promise<number> {
    return this.#rooms.get(room)?.size ?? 0;
  }

  async activity(user: UserRef, conn: string, activity: Activity): Promise<UserState> {
    let entry = this.#activity.get(user.id);
    if (!entry) this.#activity.set(user.id, (entry = { user, conns: new Map() }));
    entry.conns.set(conn, activity);
    return stateOf(entry.conns);
  }

  async release(user: UserRef, conn: string): Promise<UserState> {
    const entry = this.#activity.get(user.id);
    if (!entry) return 'offline';
    entry.conns.delete(conn);
    if (entry.conns.size === 0) this.#activity.delete(user.id);
    return stateOf(entry.conns);
  }

  async holders(userIds: readonly string[]): Promise<Map<string, Holder>> {
    const out = new Map<string, Holder>();
    for (const id of userIds) {
      const entry = this.#activity.get(id);
      const state = entry && stateOf(entry.conns);
      if (entry && state !== undefined && state !== 'offline') out.set(id, { user: entry.user, state });
    }
    return out;
  }
}

function stateOf(conns: ReadonlyMap<string, Activity>): UserState {
  if (conns.size === 0) return 'offline';
  for (const a of conns.values()) if (a === 'active') return 'online';
  return 'away';
}
