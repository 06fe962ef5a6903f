/**
 * The room list (directory) beside the views: fetched after a welcome and when membership
 * changes (your user log: other devices, invites, kicks, bans), rooms and direct messages you
 * create or open, titles and topics that change, and rooms you are no longer in.
 */
import type { RoomEvent, RoomInfo, UserEvent } from '../../../src/client/index.ts';
import { applyMeta } from '../dm.ts';
import { errorText } from '../format.ts';
import { t } from '../i18n/index.ts';
import type { RoomJoins } from './room-joins.ts';
import type { StoreState } from './state.ts';
import { DEFAULT_ROOM } from './types.ts';

/** User-log entries about membership within this window share one room list refresh. */
const ROOMS_REFRESH_MS = 50;

export function sortRooms(rooms: Iterable<RoomInfo>): RoomInfo[] {
  return [...rooms].sort((a, b) =>
    a.name === DEFAULT_ROOM ? -1 : b.name === DEFAULT_ROOM ? 1 : a.name.localeCompare(b.name),
  );
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
      s.set({ rooms: sortRooms(rooms), roomsError: undefined });
      // Every room you are a member of is followed, so its badge counts live; history waits.
      for (const u of s.client.unreadAll()) this.joins.ensureRoom(u.room, false);
    } catch (err) {
      if (!s.disposed) s.set({ roomsError: errorText(err) });
    }
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
    this.s.set({ rooms: sortRooms(rooms.values()) });
    this.joins.openRoom(info.name);
  }

  /** A room you are no longer in: its view goes, and general is shown if it was open. */
  forgetRoom(room: string): void {
    const s = this.s;
    if (s.state.views[room]) s.set({ views: s.dropView(room) });
    if (s.state.current === room && room !== DEFAULT_ROOM) this.joins.openRoom(DEFAULT_ROOM);
    this.roomsChanged();
  }

  /** A title or topic changed: the header and the room list follow at once (dm.ts). */
  onRoomMeta(e: RoomEvent): void {
    const s = this.s;
    s.updateView(e.room, (v) => (v.info ? { ...v, info: applyMeta(v.info, e.kind, e.body) } : v));
    if (s.state.rooms.some((r) => r.name === e.room))
      s.set({ rooms: s.state.rooms.map((r) => (r.name === e.room ? applyMeta(r, e.kind, e.body) : r)) });
  }

  /** Your user log: rooms joined or left on another device (or by others: invite, kick, ban). */
  onUserEvent(e: UserEvent): void {
    const s = this.s;
    const seq = s.client.userSeq;
    if (seq !== undefined) this.onUserSeq?.(seq);
    if (e.kind === 'member') {
      this.roomsChanged();
    } else if (e.kind === 'unmember') {
      if (s.state.views[e.room]) {
        s.set({
          views: s.dropView(e.room),
          ...(e.by ? { notice: t('chat.removed', { nick: e.by.nick, room: e.room }) } : {}),
        });
        // Not back into general by ourselves: that would join it again (it stays in the list).
        if (s.state.current === e.room && e.room !== DEFAULT_ROOM) this.joins.openRoom(DEFAULT_ROOM);
      }
      this.roomsChanged();
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
