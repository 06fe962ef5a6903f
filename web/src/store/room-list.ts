/**
 * Your rooms and the directory. `mine` (the rooms and DMs you are a member of) comes from the
 * room list and is kept live by your user log (joins and leaves on other devices, invites, kicks,
 * bans, DMs others opened) and by this tab's joins, leaves and new rooms, so the sidebar (mine)
 * and the directory (the other public rooms) never disagree. The list of rooms itself (titles,
 * topics, counts) is fetched after a welcome, when membership changes and when the directory opens.
 */
import type { RoomEvent, RoomInfo, UserEvent } from '../../../src/client/index.ts';
import { applyMeta, isDmName } from '../dm.ts';
import { errorText } from '../format.ts';
import { t } from '../i18n/index.ts';
import type { RoomJoins } from './room-joins.ts';
import type { StoreState } from './state.ts';
import { DEFAULT_ROOM, type ChatState } from './types.ts';

/** User-log entries about membership within this window share one room list refresh. */
const ROOMS_REFRESH_MS = 50;

export function sortRooms(rooms: Iterable<RoomInfo>): RoomInfo[] {
  return [...rooms].sort((a, b) => byName(a.name, b.name));
}

const byName = (a: string, b: string): number =>
  a === DEFAULT_ROOM ? -1 : b === DEFAULT_ROOM ? 1 : a.localeCompare(b);

/**
 * The rooms the sidebar lists (DMs included; callers split them): the rooms you are a member of,
 * plus any this tab is joining. Before the first room list, the rooms this tab has open.
 */
export function myRooms(state: Pick<ChatState, 'mine' | 'views'>): string[] {
  const names = new Set(state.mine ?? []);
  for (const v of Object.values(state.views)) if (v.status !== 'error') names.add(v.name);
  return [...names].sort(byName);
}

/** The directory: public rooms you are not in (never a DM, never a private room). */
export function directoryRooms(state: Pick<ChatState, 'mine' | 'views' | 'rooms'>): RoomInfo[] {
  const mine = new Set(myRooms(state));
  return state.rooms.filter((r) => r.visibility !== 'private' && r.dm === undefined && !mine.has(r.name));
}

export class RoomList {
  private roomsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly s: StoreState,
    private readonly joins: RoomJoins,
    /** Called after each user-log entry, e.g. to save the seq with the session. */
    private readonly onUserSeq: ((seq: number) => void) | undefined,
  ) {}

  dispose(): void {
    clearTimeout(this.roomsTimer);
  }

  async refreshRooms(): Promise<void> {
    const s = this.s;
    try {
      const rooms = await s.client.rooms();
      if (s.disposed) return;
      // The answer's read state lists exactly the rooms you are a member of (SDK unreadAll).
      const mine = s.client.unreadAll().map((u) => u.room);
      s.set({ rooms: sortRooms(rooms), mine, roomsError: undefined });
      // Every room you are a member of is followed, so its badge counts live; history waits.
      for (const room of mine) this.joins.ensureRoom(room, false);
    } catch (err) {
      if (!s.disposed) s.set({ roomsError: errorText(err) });
    }
  }

  /** You are a member of `room` now (a join here, a new room or DM). */
  joined(room: string): void {
    const mine = this.s.state.mine;
    if (mine && !mine.includes(room)) this.s.set({ mine: [...mine, room] });
  }

  /** You are no longer a member of `room`. */
  private unjoined(room: string): void {
    const mine = this.s.state.mine;
    if (mine?.includes(room)) this.s.set({ mine: mine.filter((r) => r !== room) });
  }

  /** Create a room and switch to it. Rejects with the server's error for the form to show. */
  async createRoom(name: string, title?: string, priv = false): Promise<void> {
    const info = await this.s.client.createRoom(name, title || undefined, priv ? { visibility: 'private' } : {});
    if (this.s.disposed) return;
    this.addAndOpen(info);
  }

  /** Open (or reuse: the same two people always share one) a direct message and switch to it. */
  async openDm(users: readonly string[]): Promise<void> {
    const info = await this.s.client.dm(users);
    if (this.s.disposed) return;
    this.addAndOpen(info);
  }

  private addAndOpen(info: RoomInfo): void {
    const rooms = new Map(this.s.state.rooms.map((r) => [r.name, r]));
    rooms.set(info.name, info);
    this.s.set({ rooms: sortRooms(rooms.values()), directoryOpen: false });
    this.joins.openRoom(info.name);
  }

  /** The directory's preview: the latest messages of a public room, read without joining it. */
  async preview(room: string, limit: number): Promise<RoomEvent[]> {
    return (await this.s.client.history(room, { limit })).events;
  }

  /** A room you are no longer in: its view goes, and another of your rooms is shown if it was open. */
  forgetRoom(room: string): void {
    const s = this.s;
    this.unjoined(room);
    if (s.state.views[room]) s.set({ views: s.dropView(room) });
    if (s.state.current === room) this.showAnother(room);
    this.roomsChanged();
  }

  /**
   * The open room is no longer yours: show your first other room (not a DM first), else general
   * if you were not removed from it; otherwise the room stays current without a view and the
   * screen offers the directory (never a join the server would refuse or announce unasked).
   */
  private showAnother(gone: string): void {
    const rest = myRooms(this.s.state).filter((r) => r !== gone);
    const next = rest.find((r) => !isDmName(r)) ?? rest[0] ?? (gone === DEFAULT_ROOM ? undefined : DEFAULT_ROOM);
    if (next) this.joins.openRoom(next);
  }

  /** A title or topic changed: the header and the room list follow at once (dm.ts). */
  onRoomMeta(e: RoomEvent): void {
    const s = this.s;
    s.updateView(e.room, (v) => (v.info ? { ...v, info: applyMeta(v.info, e.kind, e.body) } : v));
    if (s.state.rooms.some((r) => r.name === e.room))
      s.set({ rooms: s.state.rooms.map((r) => (r.name === e.room ? applyMeta(r, e.kind, e.body) : r)) });
  }

  /** Your user log: rooms joined or left on another device, or by others: invite, kick, ban, a DM. */
  onUserEvent(e: UserEvent): void {
    const s = this.s;
    const seq = s.client.userSeq;
    if (seq !== undefined) this.onUserSeq?.(seq);
    if (e.kind === 'member') {
      // Listed at once; followed (for its badge) after the refresh confirms it: a replayed entry
      // may be followed by an `unmember`, and a join then would be a new membership.
      this.joined(e.room);
      if (e.cause === 'invite' && e.by && !isDmName(e.room)) {
        s.set({ notice: t('directory.invited', { nick: e.by.nick, room: e.room }) });
      }
      this.roomsChanged();
    } else if (e.kind === 'unmember') {
      const by = e.by;
      const notice =
        by && e.cause === 'ban'
          ? t('directory.banned', { nick: by.nick, room: e.room })
          : by
            ? t('directory.kicked', { nick: by.nick, room: e.room })
            : undefined;
      if (notice) s.set({ notice });
      this.forgetRoom(e.room);
    }
  }

  /** Membership changed: one room list refresh for a burst of user-log entries (a replay). */
  private roomsChanged(): void {
    if (this.roomsTimer !== undefined || this.s.disposed) return;
    this.roomsTimer = setTimeout(() => {
      this.roomsTimer = undefined;
      void this.refreshRooms();
    }, ROOMS_REFRESH_MS);
  }
}
