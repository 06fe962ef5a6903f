/**
 * Opening rooms: the current room, a view per room joined (in front or in the background, for
 * its badge), the join itself, and the "New messages" divider placed from the unread counts.
 */
import type { UnreadState } from '../../../src/client/index.ts';
import { errorCode, errorText } from '../format.ts';
import { t } from '../i18n/index.ts';
import { dividerOf } from '../read-marks.ts';
import type { RoomHistory } from './room-history.ts';
import type { StoreState } from './state.ts';
import { DEFAULT_ROOM, newView } from './types.ts';

export class RoomJoins {
  constructor(
    private readonly s: StoreState,
    private readonly history: RoomHistory,
    /** Called when the current room changes. */
    private readonly onRoom: ((room: string) => void) | undefined,
  ) {}

  /** Make `name` the current room, joining it the first time. */
  openRoom(name: string): void {
    const s = this.s;
    if (s.disposed) return;
    s.set({ current: name });
    this.onRoom?.(name);
    const view = s.state.views[name];
    const divider = dividerOf(s.state.unread[name]);
    if (view && view.status !== 'error') {
      s.updateView(name, (v) => ({ ...v, divider }));
      // Joined in the background (for its badge): its messages load when first opened.
      if (view.status === 'joined' && !view.loaded && !view.historyError && view.info) {
        void this.history.loadLatest(name, view.info, s.gen(name));
      }
      return;
    }
    s.setView(name, { ...(view ?? newView(name)), status: 'joining', error: undefined, divider });
    void this.join(name);
  }

  /** Have a view of `room` and join it, without making it current. */
  ensureRoom(room: string, history = true): void {
    if (this.s.disposed || this.s.state.views[room]) return;
    this.s.setView(room, newView(room));
    void this.join(room, history);
  }

  onUnread(u: UnreadState): void {
    const s = this.s;
    s.set({ unread: { ...s.state.unread, [u.room]: u } });
    // The room was opened before its counts were known: place the divider now.
    if (u.room === s.state.current) {
      s.updateView(u.room, (v) => (v.divider === undefined ? { ...v, divider: dividerOf(u) } : v));
    }
  }

  private async join(room: string, history = true): Promise<void> {
    const s = this.s;
    const gen = s.bump(room);
    try {
      const info = await s.client.join(room);
      if (s.gen(room) !== gen) return;
      s.updateView(room, (v) => ({ ...v, info, status: 'joined', error: undefined }));
      const mine = s.state.mine;
      if (mine && !mine.includes(room)) s.set({ mine: [...mine, room] });
      if (history || s.state.current === room) await this.history.loadLatest(room, info, gen);
    } catch (err) {
      if (s.gen(room) !== gen) return;
      if (errorCode(err) === 'room_not_found' && room !== DEFAULT_ROOM) {
        // A remembered room that is gone: forget it and fall back to general.
        s.set({ views: s.dropView(room) });
        if (s.state.current === room) this.openRoom(DEFAULT_ROOM);
        return;
      }
      // Banned: say so plainly (the room leaves the directory with the next room list).
      const error = errorCode(err) === 'banned' ? t('directory.bannedJoin', { room }) : errorText(err);
      s.updateView(room, (v) => ({ ...v, status: 'error', error }));
    }
  }
}
