/**
 * Unread and mention counts per room, kept live between the server's counts. The server counts
 * up to `at` (UnreadCounts); this adds the messages that arrive after `at` and takes away what
 * a moved watermark or a delete covers. When it cannot tell exactly (the watermark moved into
 * the server-counted part, or a message there was deleted or edited) it asks for a refresh.
 * Pure: no timers, no I/O.
 */
import type { RoomEvent, UnreadCounts } from '../protocol/frames.ts';
import { isWrittenKind } from '../protocol/kinds.ts';
import { UNREAD_CAP } from '../protocol/limits.ts';
import { mentions } from '../protocol/mentions.ts';

/** What the app sees for a room. Counts stop at UNREAD_CAP (show "99+"). */
export interface UnreadState {
  readonly room: string;
  /** Your read watermark: the seq of the last event you have read. */
  readonly read: number;
  readonly unread: number;
  /** Unread messages that @mention you (a subset of `unread`). */
  readonly mentions: number;
}

/** Counted messages held per room; past it a refresh from the server replaces them. */
const MAX_LIVE = 1_000;

interface RoomCounts {
  /** Your watermark as shown: the server's, or further when this client marked more as read. */
  read: number;
  /** The highest watermark the server is known to have stored. */
  confirmed: number;
  /** The server's counts, for the log up to `at`, relative to watermark `baseRead`. */
  base: { unread: number; mentions: number; at: number; read: number };
  /** Counted messages after base.at, by seq: does it mention you. */
  live: Map<number, boolean>;
}

/** `refresh`: the counts are uncertain; ask the server (a debounced `unread` request). */
export interface UnreadChange {
  readonly changed: boolean;
  readonly refresh: boolean;
}

const NONE: UnreadChange = { changed: false, refresh: false };

export class UnreadTracker {
  readonly #rooms = new Map<string, RoomCounts>();

  get(room: string): UnreadState | undefined {
    const r = this.#rooms.get(room);
    if (!r) return undefined;
    let unread = r.read >= r.base.at ? 0 : r.base.unread;
    let found = r.read >= r.base.at ? 0 : r.base.mentions;
    for (const [seq, mention] of r.live) {
      if (seq <= r.read) continue;
      unread++;
      if (mention) found++;
    }
    return { room, read: r.read, unread: Math.min(unread, UNREAD_CAP), mentions: Math.min(found, UNREAD_CAP) };
  }

  all(): UnreadState[] {
    return [...this.#rooms.keys()].flatMap((room) => this.get(room) ?? []);
  }

  /** Counts from the server (joined, rooms, unread). Older than what we hold: only the watermark is taken. */
  snapshot(c: UnreadCounts): UnreadChange {
    const before = this.get(c.room);
    const r = this.#rooms.get(c.room);
    if (!r) {
      this.#rooms.set(c.room, {
        read: c.read,
        confirmed: c.read,
        base: { unread: c.unread, mentions: c.mentions, at: c.at, read: c.read },
        live: new Map(),
      });
      return { changed: true, refresh: false };
    }
    if (c.at >= r.base.at) {
      r.base = { unread: c.unread, mentions: c.mentions, at: c.at, read: c.read };
      for (const seq of r.live.keys()) if (seq <= c.at) r.live.delete(seq);
    }
    r.read = Math.max(r.read, c.read);
    r.confirmed = Math.max(r.confirmed, c.read);
    return { changed: !same(before, this.get(c.room)), refresh: uncertain(r) };
  }

  /**
   * Your watermark moved to `seq`. `confirmed`: the server says so (a `read` user event), so the
   * server's counts can be asked for; a local, optimistic move only hides what it covers.
   */
  read(room: string, seq: number, confirmed: boolean): UnreadChange {
    const r = this.#rooms.get(room);
    if (!r) return NONE;
    const before = this.get(room);
    const moved = confirmed && seq > r.confirmed;
    r.read = Math.max(r.read, seq);
    if (confirmed) r.confirmed = Math.max(r.confirmed, seq);
    for (const s of r.live.keys()) if (s <= r.read) r.live.delete(s);
    return { changed: !same(before, this.get(room)), refresh: moved && uncertain(r) };
  }

  /** A room event delivered in order (replay or live). `me`: whose messages never count. */
  event(e: RoomEvent, me: { id: string; nick: string } | undefined): UnreadChange {
    const r = this.#rooms.get(e.room);
    if (!r || e.seq <= r.base.at) return NONE;
    const before = this.get(e.room);
    let refresh = false;
    if (isWrittenKind(e.kind)) {
      if (e.sender.id !== me?.id && e.seq > r.read) r.live.set(e.seq, me !== undefined && mentions(e.body, me.nick));
      refresh = r.live.size > MAX_LIVE;
    } else if ((e.kind === 'delete' || e.kind === 'edit') && e.ref !== undefined && e.ref > r.read) {
      if (r.live.has(e.ref)) {
        if (e.kind === 'delete') r.live.delete(e.ref);
        else r.live.set(e.ref, me !== undefined && mentions(e.body, me.nick));
      } else if (e.ref <= r.base.at && r.base.unread > 0) {
        refresh = true; // it may have been counted by the server
      }
    }
    return { changed: !same(before, this.get(e.room)), refresh };
  }

  /** No longer a member (or the room's log was reset): forget its counts. */
  forget(room: string): boolean {
    return this.#rooms.delete(room);
  }

  clear(): void {
    this.#rooms.clear();
  }
}

/**
 * The server's counts are from a watermark older than one it has stored since, and that one lies
 * inside the part it counted: how many of those are still unread, only the server knows.
 */
function uncertain(r: RoomCounts): boolean {
  return r.confirmed > r.base.read && r.confirmed < r.base.at && r.base.unread > 0;
}

function same(a: UnreadState | undefined, b: UnreadState | undefined): boolean {
  return a?.read === b?.read && a?.unread === b?.unread && a?.mentions === b?.mentions;
}
