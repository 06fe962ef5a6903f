/**
 * Each room view's window on its log: the latest page, older and newer pages, a jump to a seq far
 * back and back to the newest, live events merged in, and a reset that starts the window again.
 */
import type { RoomEvent, RoomInfo } from '../../../src/client/index.ts';
import { errorText } from '../format.ts';
import { pageAround, trimWindow } from '../history-window.ts';
import { t } from '../i18n/index.ts';
import { hasSeq, mergeEvents, oldestSeq } from '../room-log.ts';
import type { StoreState } from './state.ts';
import { PAGE_SIZE, type RoomView } from './types.ts';

export class RoomHistory {
  constructor(private readonly s: StoreState) {}

  /** One event of a room's log, e.g. the original of a reply that is not loaded; undefined when missing. */
  async message(room: string, seq: number): Promise<RoomEvent | undefined> {
    const page = await this.s.client.history(room, { after: seq - 1, limit: 1 });
    return page.events.find((e) => e.seq === seq);
  }

  async loadOlder(room: string): Promise<void> {
    const s = this.s;
    const view = s.state.views[room];
    if (!view || view.loadingOlder || !view.hasOlder) return;
    const before = oldestSeq(view.events) ?? (view.info ? view.info.head + 1 : undefined);
    if (before === undefined || before <= 1) {
      s.updateView(room, (v) => ({ ...v, hasOlder: false }));
      return;
    }
    const gen = s.gen(room);
    s.updateView(room, (v) => ({ ...v, loadingOlder: true }));
    try {
      const page = await s.client.history(room, { before, limit: PAGE_SIZE });
      if (s.gen(room) !== gen) return;
      s.updateView(room, (v) => {
        // The window moved meanwhile (a jump): this page would leave a hole.
        if ((oldestSeq(v.events) ?? before) !== before) return { ...v, loadingOlder: false };
        const trimmed = trimWindow(mergeEvents(v.events, page.events), 'older');
        return {
          ...v,
          events: trimmed.events,
          hasOlder: page.more,
          loadingOlder: false,
          hasNewer: v.hasNewer || trimmed.droppedNewer,
        };
      });
    } catch (err) {
      if (s.gen(room) !== gen) return;
      s.updateView(room, (v) => ({ ...v, loadingOlder: false }));
      s.set({ notice: t('chat.loadOlderFailed', { error: errorText(err) }) });
    }
  }

  /** The page after the window, while it stops short of the head; drops the oldest past WINDOW_MAX. */
  async loadNewer(room: string): Promise<void> {
    const s = this.s;
    const view = s.state.views[room];
    if (!view || view.loadingNewer || !view.hasNewer) return;
    const after = view.events[view.events.length - 1]?.seq;
    if (after === undefined) return this.showLatest(room);
    const gen = s.gen(room);
    s.updateView(room, (v) => ({ ...v, loadingNewer: true }));
    try {
      const page = await s.client.history(room, { after, limit: PAGE_SIZE });
      if (s.gen(room) !== gen) return;
      s.updateView(room, (v) => {
        if (v.events[v.events.length - 1]?.seq !== after) return { ...v, loadingNewer: false };
        const trimmed = trimWindow(mergeEvents(v.events, page.events), 'newer');
        const hasOlder = v.hasOlder || trimmed.droppedOlder;
        return { ...v, ...edges(v, trimmed.events, hasOlder, page.more), loadingNewer: false };
      });
    } catch (err) {
      if (s.gen(room) !== gen) return;
      s.updateView(room, (v) => ({ ...v, loadingNewer: false }));
      s.set({ notice: t('log.newerFailed', { error: errorText(err) }) });
    }
  }

  /**
   * Make `seq` part of the room's window: when it is not loaded, the window is replaced by the
   * page around it (a jump far back never loads everything between). False when that failed.
   */
  async jumpTo(room: string, seq: number): Promise<boolean> {
    const s = this.s;
    const view = s.state.views[room];
    if (!view) return false;
    if (hasSeq(view.events, seq)) return true;
    const gen = s.gen(room);
    try {
      const page = await s.client.history(room, { before: pageAround(seq, PAGE_SIZE), limit: PAGE_SIZE });
      if (s.gen(room) !== gen) return false;
      s.updateView(room, (v) => ({ ...v, ...edges(v, page.events, page.more, false), loaded: true }));
      return true;
    } catch (err) {
      if (s.gen(room) === gen) s.set({ notice: t('log.historyFailed', { error: errorText(err) }) });
      return false;
    }
  }

  /** Back to the newest messages after the window was moved away from them. */
  async showLatest(room: string): Promise<void> {
    const view = this.s.state.views[room];
    if (!view?.hasNewer || !view.info) return;
    await this.loadLatest(room, view.info, this.s.gen(room));
  }

  /** Retry the latest page after it failed. */
  reloadHistory(room: string): void {
    const view = this.s.state.views[room];
    if (view?.info) void this.loadLatest(room, view.info, this.s.gen(room));
  }

  async loadLatest(room: string, info: RoomInfo, gen: number): Promise<void> {
    const s = this.s;
    s.updateView(room, (v) => ({ ...v, historyError: undefined }));
    if (info.head === 0) {
      s.updateView(room, (v) => ({ ...v, loaded: true, hasOlder: false }));
      return;
    }
    try {
      const page = await s.client.history(room, { before: info.head + 1, limit: PAGE_SIZE });
      if (s.gen(room) !== gen) return;
      s.updateView(room, (v) =>
        v.hasNewer
          ? // A window far back is replaced: merging would leave a hole.
            { ...v, ...edges(v, page.events, page.more, false), loaded: true }
          : { ...v, events: mergeEvents(v.events, page.events), loaded: true, hasOlder: page.more },
      );
    } catch (err) {
      if (s.gen(room) !== gen) return;
      s.updateView(room, (v) => ({ ...v, historyError: errorText(err) }));
    }
  }

  /** A live event: merged into the window when it reaches the head. */
  onEvent(e: RoomEvent): void {
    this.s.updateView(e.room, (v) => {
      // The window is far back: the event stays on the server until the reader comes back down.
      if (v.hasNewer) return v.info && e.seq > v.info.head ? { ...v, info: { ...v.info, head: e.seq } } : v;
      const merged = mergeEvents(v.events, [e]);
      if (merged === v.events) return v;
      // A busy room followed for hours: the oldest events go, memory stays bounded.
      const { events, droppedOlder } = trimWindow(merged, 'newer');
      const info = v.info && e.seq > v.info.head ? { ...v.info, head: e.seq } : v.info;
      return { ...v, events, ...(droppedOlder ? { hasOlder: true } : {}), ...(info ? { info } : {}) };
    });
  }

  /** The SDK could not resume the room: its window starts again from the latest page. */
  onReset(room: string, info: RoomInfo): void {
    const gen = this.s.bump(room);
    this.s.updateView(room, (v) => ({
      ...v,
      info,
      status: 'joined',
      events: [],
      loaded: false,
      hasOlder: false,
      loadingOlder: false,
      hasNewer: false,
      loadingNewer: false,
    }));
    void this.loadLatest(room, info, gen);
  }
}

/** A window of `events` with its edges: live events join it once it reaches the head again. */
function edges(
  v: RoomView,
  events: readonly RoomEvent[],
  hasOlder: boolean,
  more: boolean,
): Pick<RoomView, 'events' | 'hasOlder' | 'hasNewer'> {
  const last = events[events.length - 1]?.seq ?? 0;
  // Events that arrived while the page was on its way were not kept: fetch them too.
  return { events, hasOlder, hasNewer: more || last < (v.info?.head ?? 0) };
}
