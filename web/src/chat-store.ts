/**
 * The app's state, kept outside the component tree: one ChatStore wraps one SDK client,
 * turns its events into an immutable ChatState snapshot, and tells subscribers when it
 * changes. Components read snapshots and call methods; they never touch the client.
 */
import type {
  ClientError,
  ConnectionState,
  OutboxChange,
  OutboxStore,
  ParleyClient,
  RoomEvent,
  Receipt,
  RoomInfo,
  RoomRole,
  SearchOptions,
  SearchPage,
  UnreadState,
  UserEvent,
  UserRef,
  createClient,
  MemberList,
} from '../../src/client/index.ts';
import { applyMeta } from './dm.ts';
import { FileTransfers } from './file-transfers.ts';
import { PresenceBook } from './presence-book.ts';
import { errorCode, errorText } from './format.ts';
import { t } from './i18n/index.ts';
import { dividerOf } from './read-marks.ts';
import { pageAround, trimWindow } from './history-window.ts';
import { hasSeq, mergeEvents, oldestSeq } from './room-log.ts';

export const DEFAULT_ROOM = 'general';
export const PAGE_SIZE = 50;
/** Errors that mean "this nickname/session cannot connect": back to the nickname screen. */
export const LOGIN_ERRORS: ReadonlySet<string> = new Set([
  'nick_taken',
  'nick_invalid',
  'session_unknown',
  // The login session was ended (signed out elsewhere): back to the sign-in form.
  'session_revoked',
]);
/** User-log entries about membership within this window share one room list refresh. */
const ROOMS_REFRESH_MS = 50;
/** Sent items kept (per room) only to mark "sent" on their log entries. */
const SENT_KEEP = 100;

export type SendStatus = 'pending' | 'sent' | 'failed';

/**
 * A message of ours as the SDK's outbox tells it (`outbox` events): pending once added, sent on
 * its ack, failed on a final error. The store keeps no outbox of its own.
 */
export interface OutboxItem {
  /** The outbox entry's id (a send the client refused before its outbox: a local key). */
  readonly key: string;
  readonly body: string;
  readonly status: SendStatus;
  readonly createdAt: number;
  /** The send's client id (the outbox entry's id = the event's `cid`). */
  readonly cid?: string;
  readonly seq?: number;
  readonly error?: string;
  /** The seq of the message this one replies to. */
  readonly reply?: number;
}

export interface RoomView {
  readonly name: string;
  readonly info?: RoomInfo;
  readonly status: 'joining' | 'joined' | 'error';
  readonly error?: string;
  /** Ascending by seq, each seq once. */
  readonly events: readonly RoomEvent[];
  /** The latest page arrived (or the room was empty). */
  readonly loaded: boolean;
  readonly historyError?: string;
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  /** `events` stops short of the room's head (a window far back, history-window.ts): live events wait on the server. */
  readonly hasNewer: boolean;
  readonly loadingNewer: boolean;
  readonly online: readonly UserRef[];
  /** Others typing in the room now. */
  readonly typing: readonly UserRef[];
  /**
   * Your watermark when the room was opened with unread messages: a "New messages" divider goes
   * after it. null: nothing was unread; undefined: not known yet.
   */
  readonly divider?: number | null;
  /** Members' read watermarks, highest first, for "Seen by". */
  readonly receipts: readonly Receipt[];
  readonly outbox: readonly OutboxItem[];
}

export interface ConnInfo {
  readonly state: ConnectionState;
  readonly attempt: number;
  /** When the next reconnect attempt starts (ms since the epoch), while reconnecting. */
  readonly retryAt?: number;
  readonly code?: number;
  readonly reason?: string;
}

export interface ChatState {
  readonly nick: string;
  readonly user?: UserRef;
  /** A welcome arrived at least once. */
  readonly welcomed: boolean;
  readonly conn: ConnInfo;
  readonly rooms: readonly RoomInfo[];
  readonly roomsError?: string;
  readonly current: string;
  readonly views: Readonly<Record<string, RoomView>>;
  /** Unread and mention counts and your watermark, per room you are a member of (SDK `unread`). */
  readonly unread: Readonly<Record<string, UnreadState>>;
  /** The server refused this nickname or session; the client is closed. */
  readonly loginError?: { readonly code: string; readonly message: string };
  /** A transient problem worth showing. */
  readonly notice?: string;
}

export interface ChatStoreOptions {
  readonly url: string;
  readonly nick: string;
  readonly session?: string;
  /** Who `session` belonged to (saved with it): the chat shows at once, before the welcome. */
  readonly user?: UserRef;
  /** No input for this long makes this page idle (away, unless another tab is active); default 5 min. */
  readonly idleMs?: number;
  /** Where unsent messages are kept so they survive a reload. */
  readonly outbox?: OutboxStore;
  readonly room?: string;
  readonly createClient: typeof createClient;
  /** A signed-in account: the current access token, and how to get a new one when it expires. */
  readonly token?: () => string;
  readonly refresh?: () => Promise<string>;
  /** Called on every welcome, e.g. to persist the session token. */
  readonly onWelcome?: (user: UserRef, session: string) => void;
  /** Called when the current room changes. */
  readonly onRoom?: (room: string) => void;
  /** Where the user log was left (ParleyClient.userSeq, saved by onUserSeq): replayed from there. */
  readonly userSeq?: number;
  /** Called after each user-log entry, e.g. to save the seq with the session. */
  readonly onUserSeq?: (seq: number) => void;
  /** Called once by dispose(). */
  readonly onDispose?: () => void;
}

type Listener = (state: ChatState) => void;

function newView(name: string): RoomView {
  return {
    name,
    status: 'joining',
    events: [],
    loaded: false,
    hasOlder: false,
    loadingOlder: false,
    hasNewer: false,
    loadingNewer: false,
    online: [],
    typing: [],
    receipts: [],
    outbox: [],
  };
}

function sortRooms(rooms: Iterable<RoomInfo>): RoomInfo[] {
  return [...rooms].sort((a, b) =>
    a.name === DEFAULT_ROOM ? -1 : b.name === DEFAULT_ROOM ? 1 : a.name.localeCompare(b.name),
  );
}

export class ChatStore {
  private state: ChatState;
  private readonly listeners = new Set<Listener>();
  private readonly client: ParleyClient;
  /** Uploads with progress, and signed links for showing files (file-transfers.ts). */
  readonly files: FileTransfers;
  /** User statuses for dots and "last seen", and this page's activity (presence-book.ts). */
  readonly presence: PresenceBook;
  private readonly offs: Array<() => void> = [];
  /** Bumped on (re)join and reset; answers for an older generation are dropped. */
  private readonly gens = new Map<string, number>();
  private keySeq = 0;
  /** The id of the send the SDK added to its outbox during the current client.send() call. */
  private added: string | undefined;
  private disposed = false;
  private roomsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: ChatStoreOptions) {
    this.state = {
      nick: opts.nick,
      ...(opts.user ? { user: opts.user } : {}),
      welcomed: false,
      conn: { state: 'idle', attempt: 0 },
      rooms: [],
      current: opts.room ?? DEFAULT_ROOM,
      views: {},
      unread: {},
    };
    this.client = opts.createClient({
      url: opts.url,
      nick: opts.nick,
      ...(opts.session ? { session: opts.session } : {}),
      ...(opts.userSeq !== undefined ? { userSeq: opts.userSeq } : {}),
      ...(opts.user ? { userId: opts.user.id } : {}),
      ...(opts.outbox ? { outbox: opts.outbox } : {}),
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.refresh ? { refresh: opts.refresh } : {}),
      autoConnect: false,
    });
    this.files = new FileTransfers(this.client);
    this.presence = new PresenceBook(this.client, opts.idleMs);
    const c = this.client;
    this.offs.push(
      c.on('state', (s) =>
        this.set({
          conn: {
            state: s.state,
            attempt: s.attempt,
            ...(s.state === 'reconnecting' && s.delayMs !== undefined ? { retryAt: Date.now() + s.delayMs } : {}),
            ...(s.code !== undefined ? { code: s.code } : {}),
            ...(s.reason ? { reason: s.reason } : {}),
          },
        }),
      ),
      c.on('welcome', (w) => this.onWelcome(w.user, w.session)),
      c.on('event', (e) => this.onEvent(e)),
      c.on('presence', (p) => this.updateView(p.room, (v) => ({ ...v, online: p.online }))),
      c.on('typing', (t) => this.updateView(t.room, (v) => ({ ...v, typing: t.users }))),
      c.on('reset', (r) => this.onReset(r.room, r.room_info)),
      c.on('error', (e) => this.onError(e)),
      c.on('outbox', (o) => this.onOutbox(o)),
      c.on('unread', (u) => this.onUnread(u)),
      c.on('receipt', (r) => this.updateView(r.room, (v) => ({ ...v, receipts: r.receipts }))),
      c.on('user', (e) => this.onUserEvent(e)),
    );
  }

  getState(): ChatState {
    return this.state;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    // A known user (a reload): show the room now; its join goes out once connected.
    if (this.state.user) this.openRoom(this.state.current);
    this.client.connect();
  }

  /** Reconnect after the connection was closed for good. */
  reconnect(): void {
    if (this.disposed) return;
    this.set({ notice: undefined });
    this.client.connect();
  }

  /** Each room event as it arrives (for notifications); returns the unsubscribe. */
  onRoomEvent(fn: (e: RoomEvent) => void): () => void {
    return this.client.on('event', fn);
  }

  /** Drop every unsent message, also from storage (signing out: nobody could send them later). */
  discardUnsent(): void {
    for (const entry of this.client.pending()) this.client.discard(entry.id);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.roomsTimer);
    for (const off of this.offs.splice(0)) off();
    this.listeners.clear();
    this.files.dispose();
    this.presence.dispose();
    this.client.close();
    this.opts.onDispose?.();
  }

  /** Give up on this nickname/session for a reason found outside the connection. */
  refuse(code: string, message: string): void {
    this.set({ loginError: { code, message } });
  }

  dismissNotice(): void {
    this.set({ notice: undefined });
  }

  /** Make `name` the current room, joining it the first time. */
  openRoom(name: string): void {
    if (this.disposed) return;
    this.set({ current: name });
    this.opts.onRoom?.(name);
    const view = this.state.views[name];
    const divider = dividerOf(this.state.unread[name]);
    if (view && view.status !== 'error') {
      this.updateView(name, (v) => ({ ...v, divider }));
      // Joined in the background (for its badge): its messages load when first opened.
      if (view.status === 'joined' && !view.loaded && !view.historyError && view.info) {
        void this.loadLatest(name, view.info, this.gen(name));
      }
      return;
    }
    this.setView(name, { ...(view ?? newView(name)), status: 'joining', error: undefined, divider });
    void this.join(name);
  }

  /** You have read `room` up to `seq` (the SDK debounces and syncs it to your other tabs). */
  markRead(room: string, seq: number): void {
    this.client.markRead(room, seq);
  }

  async refreshRooms(): Promise<void> {
    try {
      const rooms = await this.client.rooms();
      if (this.disposed) return;
      this.set({ rooms: sortRooms(rooms), roomsError: undefined });
      // Every room you are a member of is followed, so its badge counts live; history waits.
      for (const u of this.client.unreadAll()) this.ensureRoom(u.room, false);
    } catch (err) {
      if (!this.disposed) this.set({ roomsError: errorText(err) });
    }
  }

  /** Create a room and switch to it. Rejects with the server's error for the form to show. */
  async createRoom(name: string, title?: string, priv = false): Promise<void> {
    const info = await this.client.createRoom(name, title || undefined, priv ? { visibility: 'private' } : {});
    if (this.disposed) return;
    const rooms = new Map(this.state.rooms.map((r) => [r.name, r]));
    rooms.set(info.name, info);
    this.set({ rooms: sortRooms(rooms.values()) });
    this.openRoom(info.name);
  }

  /** Open (or reuse: the same two people always share one) a direct message and switch to it. */
  async openDm(users: readonly string[]): Promise<void> {
    const info = await this.client.dm(users);
    if (this.disposed) return;
    const rooms = new Map(this.state.rooms.map((r) => [r.name, r]));
    rooms.set(info.name, info);
    this.set({ rooms: sortRooms(rooms.values()) });
    this.openRoom(info.name);
  }

  /** Owner or moderator (any member of a DM); rejects with the server's error for the form. */
  async setRoomMeta(room: string, title: string | undefined, topic: string | undefined): Promise<void> {
    if (title !== undefined) await this.client.rename(room, title);
    if (topic !== undefined) await this.client.setTopic(room, topic);
  }

  members(room: string): Promise<MemberList> {
    return this.client.members(room);
  }

  /** Leave `room` and show general; rejects with the server's error. Other tabs follow by the user log. */
  async leave(room: string): Promise<void> {
    await this.client.leave(room);
    if (this.disposed) return;
    this.forgetRoom(room);
  }

  /** Owner or moderator: add, remove or ban `user` (an id); rejects with the server's error. */
  async moderate(kind: 'invite' | 'kick' | 'ban', room: string, user: string): Promise<void> {
    await this.client[kind](room, user);
  }

  /** A room you are no longer in: its view goes, and general is shown if it was open. */
  private forgetRoom(room: string): void {
    if (this.state.views[room]) {
      const { [room]: _gone, ...views } = this.state.views;
      this.set({ views });
    }
    if (this.state.current === room && room !== DEFAULT_ROOM) this.openRoom(DEFAULT_ROOM);
    this.roomsChanged();
  }

  /** Full-text search in the rooms you are a member of (jump to a hit with message-jump.ts). */
  search(q: string, opts?: SearchOptions): Promise<SearchPage> {
    return this.client.search(q, opts);
  }

  /** One event of a room's log, e.g. the original of a reply that is not loaded; undefined when missing. */
  async message(room: string, seq: number): Promise<RoomEvent | undefined> {
    const page = await this.client.history(room, { after: seq - 1, limit: 1 });
    return page.events.find((e) => e.seq === seq);
  }

  async loadOlder(room: string): Promise<void> {
    const view = this.state.views[room];
    if (!view || view.loadingOlder || !view.hasOlder) return;
    const before = oldestSeq(view.events) ?? (view.info ? view.info.head + 1 : undefined);
    if (before === undefined || before <= 1) {
      this.updateView(room, (v) => ({ ...v, hasOlder: false }));
      return;
    }
    const gen = this.gen(room);
    this.updateView(room, (v) => ({ ...v, loadingOlder: true }));
    try {
      const page = await this.client.history(room, { before, limit: PAGE_SIZE });
      if (this.gen(room) !== gen) return;
      this.updateView(room, (v) => {
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
      if (this.gen(room) !== gen) return;
      this.updateView(room, (v) => ({ ...v, loadingOlder: false }));
      this.set({ notice: t('chat.loadOlderFailed', { error: errorText(err) }) });
    }
  }

  /** The page after the window, while it stops short of the head; drops the oldest past WINDOW_MAX. */
  async loadNewer(room: string): Promise<void> {
    const view = this.state.views[room];
    if (!view || view.loadingNewer || !view.hasNewer) return;
    const after = view.events[view.events.length - 1]?.seq;
    if (after === undefined) return this.showLatest(room);
    const gen = this.gen(room);
    this.updateView(room, (v) => ({ ...v, loadingNewer: true }));
    try {
      const page = await this.client.history(room, { after, limit: PAGE_SIZE });
      if (this.gen(room) !== gen) return;
      this.updateView(room, (v) => {
        if (v.events[v.events.length - 1]?.seq !== after) return { ...v, loadingNewer: false };
        const trimmed = trimWindow(mergeEvents(v.events, page.events), 'newer');
        const hasOlder = v.hasOlder || trimmed.droppedOlder;
        return { ...v, ...this.edges(v, trimmed.events, hasOlder, page.more), loadingNewer: false };
      });
    } catch (err) {
      if (this.gen(room) !== gen) return;
      this.updateView(room, (v) => ({ ...v, loadingNewer: false }));
      this.set({ notice: t('log.newerFailed', { error: errorText(err) }) });
    }
  }

  /**
   * Make `seq` part of the room's window: when it is not loaded, the window is replaced by the
   * page around it (a jump far back never loads everything between). False when that failed.
   */
  async jumpTo(room: string, seq: number): Promise<boolean> {
    const view = this.state.views[room];
    if (!view) return false;
    if (hasSeq(view.events, seq)) return true;
    const gen = this.gen(room);
    try {
      const page = await this.client.history(room, { before: pageAround(seq, PAGE_SIZE), limit: PAGE_SIZE });
      if (this.gen(room) !== gen) return false;
      this.updateView(room, (v) => ({ ...v, ...this.edges(v, page.events, page.more, false), loaded: true }));
      return true;
    } catch (err) {
      if (this.gen(room) === gen) this.set({ notice: t('log.historyFailed', { error: errorText(err) }) });
      return false;
    }
  }

  /** Back to the newest messages after the window was moved away from them. */
  async showLatest(room: string): Promise<void> {
    const view = this.state.views[room];
    if (!view?.hasNewer || !view.info) return;
    await this.loadLatest(room, view.info, this.gen(room));
  }

  /** A window of `events` with its edges: live events join it once it reaches the head again. */
  private edges(
    v: RoomView,
    events: readonly RoomEvent[],
    hasOlder: boolean,
    more: boolean,
  ): Pick<RoomView, 'events' | 'hasOlder' | 'hasNewer'> {
    const last = events[events.length - 1]?.seq ?? 0;
    // Events that arrived while the page was on its way were not kept: fetch them too.
    return { events, hasOlder, hasNewer: more || last < (v.info?.head ?? 0) };
  }

  /** Retry the latest page after it failed. */
  reloadHistory(room: string): void {
    const view = this.state.views[room];
    if (view?.info) void this.loadLatest(room, view.info, this.gen(room));
  }

  /** The composer changed: renewals are throttled by the SDK; an empty input means stopped. */
  typing(room: string, on: boolean): void {
    this.client.typing(room, on);
  }

  /** Send through the SDK: its outbox events show the message as pending, then sent or failed. */
  send(room: string, body: string, reply?: number): void {
    this.client.typing(room, false);
    // Your message goes at the bottom: show the newest messages around it.
    void this.showLatest(room);
    this.write(room, body, reply);
  }

  /** A failed message goes again as a new send, in the failed one's place (the SDK forgot it). */
  retry(room: string, key: string): void {
    const item = this.state.views[room]?.outbox.find((o) => o.key === key);
    if (!item || item.status !== 'failed') return;
    this.write(room, item.body, item.reply, key);
  }

  /** Your role in a joined room (from the server), e.g. to offer deleting others' messages. */
  role(room: string): RoomRole | undefined {
    return this.client.role(room);
  }

  /** Edit, delete or react (message-actions): through the SDK's outbox; a refusal shows as a notice. */
  edit(room: string, seq: number, body: string): void {
    this.changed(this.client.edit(room, seq, body));
  }

  remove(room: string, seq: number): void {
    this.changed(this.client.remove(room, seq));
  }

  react(room: string, seq: number, emoji: string, on: boolean): void {
    this.changed(this.client.react(room, seq, emoji, on));
  }

  private changed(write: Promise<unknown>): void {
    write.catch((err: unknown) => this.set({ notice: t('messages.failed', { error: errorText(err) }) }));
  }

  discard(room: string, key: string): void {
    this.updateView(room, (v) => ({ ...v, outbox: v.outbox.filter((o) => o.key !== key) }));
  }

  // ---- internals ----

  /**
   * One send through the SDK. Its `added` event (during the call) makes the pending row; with
   * `replaces`, that row takes the failed one's place. A send the client refused before its
   * outbox (it is closed) shows failed, like one the outbox failed.
   */
  private write(room: string, body: string, reply: number | undefined, replaces?: string): void {
    this.added = undefined;
    const sent = this.client.send(room, body, reply === undefined ? {} : { reply });
    const id = this.added;
    this.added = undefined;
    const key = id ?? replaces ?? `unsent-${++this.keySeq}`;
    this.updateView(room, (v) => {
      const fresh: OutboxItem | undefined =
        id === undefined
          ? { key, body, status: 'pending', createdAt: Date.now(), ...(reply === undefined ? {} : { reply }) }
          : v.outbox.find((o) => o.key === id);
      if (!fresh) return v;
      if (replaces !== undefined && v.outbox.some((o) => o.key === replaces)) {
        const outbox = v.outbox.filter((o) => o.key === replaces || o.key !== fresh.key);
        return { ...v, outbox: outbox.map((o) => (o.key === replaces ? fresh : o)) };
      }
      return id === undefined ? { ...v, outbox: [...v.outbox, fresh] } : v;
    });
    // A failure the outbox told (`failed`) already shows, and `discarded` was asked for; a client
    // closed for good rejects its unsent writes without an event: they show failed too.
    sent.catch((err: unknown) => {
      if (errorCode(err) !== 'discarded')
        this.patchOutbox(room, key, { status: 'failed', error: errorText(err) }, 'pending');
    });
  }

  /**
   * The SDK's outbox, the only source of pending, sent and failed rows: this page's sends and
   * those an earlier page life left unsent (restored; their room is joined in the background
   * so they go out). This page's file sends show as uploads (file-transfers.ts) instead.
   */
  private onOutbox(o: OutboxChange): void {
    const { entry } = o;
    const key = entry.id;
    if (o.change === 'added') {
      if (entry.restored) this.ensureRoom(entry.room);
      if (entry.frame.type !== 'send') return; // edits and reactions have no pending look yet
      if (!entry.restored && entry.frame.kind !== 'text') return;
      if (!entry.restored) this.added = entry.id;
      const item: OutboxItem = {
        key,
        body: entry.frame.kind === 'text' ? entry.frame.body : entry.frame.body || t('chat.aFile'),
        status: 'pending',
        createdAt: entry.createdAt,
        cid: entry.id,
        ...(entry.frame.reply === undefined ? {} : { reply: entry.frame.reply }),
      };
      this.updateView(entry.room, (v) =>
        v.outbox.some((x) => x.key === key) ? v : { ...v, outbox: [...v.outbox, item] },
      );
    } else if (o.change === 'acked') {
      this.patchOutbox(entry.room, key, { status: 'sent', seq: o.result.seq });
      this.trimOutbox(entry.room);
    } else if (o.change === 'failed') {
      this.patchOutbox(entry.room, key, { status: 'failed', error: errorText(o.error) });
    } else {
      this.discard(entry.room, key);
    }
  }

  /** Have a view of `room` and join it, without making it current. */
  private ensureRoom(room: string, history = true): void {
    if (this.disposed || this.state.views[room]) return;
    this.setView(room, newView(room));
    void this.join(room, history);
  }

  private onUnread(u: UnreadState): void {
    this.set({ unread: { ...this.state.unread, [u.room]: u } });
    // The room was opened before its counts were known: place the divider now.
    if (u.room === this.state.current) {
      this.updateView(u.room, (v) => (v.divider === undefined ? { ...v, divider: dividerOf(u) } : v));
    }
  }

  /** Your user log: rooms joined or left on another device (or by others: invite, kick, ban). */
  private onUserEvent(e: UserEvent): void {
    const seq = this.client.userSeq;
    if (seq !== undefined) this.opts.onUserSeq?.(seq);
    if (e.kind === 'member') {
      this.roomsChanged();
    } else if (e.kind === 'unmember') {
      if (this.state.views[e.room]) {
        const { [e.room]: _gone, ...views } = this.state.views;
        this.set({ views, ...(e.by ? { notice: t('chat.removed', { nick: e.by.nick, room: e.room }) } : {}) });
        // Not back into general by ourselves: that would join it again (it stays in the list).
        if (this.state.current === e.room && e.room !== DEFAULT_ROOM) this.openRoom(DEFAULT_ROOM);
      }
      this.roomsChanged();
    }
  }

  /** Membership changed: one room list refresh for a burst of user-log entries (a replay). */
  private roomsChanged(): void {
    if (this.roomsTimer !== undefined || this.disposed) return;
    this.roomsTimer = setTimeout(() => {
      this.roomsTimer = undefined;
      void this.refreshRooms();
    }, ROOMS_REFRESH_MS);
  }

  private onWelcome(user: UserRef, session: string): void {
    const first = !this.state.welcomed;
    this.set({ user, welcomed: true, loginError: undefined, nick: user.nick });
    this.opts.onWelcome?.(user, session);
    void this.refreshRooms();
    // After a reconnect the SDK resumes the rooms it had joined by itself.
    if (first) this.openRoom(this.state.current);
  }

  private onEvent(e: RoomEvent): void {
    this.updateView(e.room, (v) => {
      // The window is far back: the event stays on the server until the reader comes back down.
      if (v.hasNewer) return v.info && e.seq > v.info.head ? { ...v, info: { ...v.info, head: e.seq } } : v;
      const merged = mergeEvents(v.events, [e]);
      if (merged === v.events) return v;
      // A busy room followed for hours: the oldest events go, memory stays bounded.
      const { events, droppedOlder } = trimWindow(merged, 'newer');
      const info = v.info && e.seq > v.info.head ? { ...v.info, head: e.seq } : v.info;
      return { ...v, events, ...(droppedOlder ? { hasOlder: true } : {}), ...(info ? { info } : {}) };
    });
    if (e.kind === 'rename' || e.kind === 'topic') this.onRoomMeta(e);
  }

  /** A title or topic changed: the header and the room list follow at once (dm.ts). */
  private onRoomMeta(e: RoomEvent): void {
    this.updateView(e.room, (v) => (v.info ? { ...v, info: applyMeta(v.info, e.kind, e.body) } : v));
    if (this.state.rooms.some((r) => r.name === e.room))
      this.set({ rooms: this.state.rooms.map((r) => (r.name === e.room ? applyMeta(r, e.kind, e.body) : r)) });
  }

  private onReset(room: string, info: RoomInfo): void {
    const gen = this.bump(room);
    this.updateView(room, (v) => ({
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

  private onError(e: ClientError): void {
    if (LOGIN_ERRORS.has(e.code)) {
      this.set({ loginError: { code: e.code, message: errorText(e) } });
      return;
    }
    // Errors that answer a request also reject its promise and are shown there.
    if (e.id === undefined) this.set({ notice: errorText(e) });
  }

  private async join(room: string, history = true): Promise<void> {
    const gen = this.bump(room);
    try {
      const info = await this.client.join(room);
      if (this.gen(room) !== gen) return;
      this.updateView(room, (v) => ({ ...v, info, status: 'joined', error: undefined }));
      if (history || this.state.current === room) await this.loadLatest(room, info, gen);
    } catch (err) {
      if (this.gen(room) !== gen) return;
      if (errorCode(err) === 'room_not_found' && room !== DEFAULT_ROOM) {
        // A remembered room that is gone: forget it and fall back to general.
        const { [room]: _gone, ...views } = this.state.views;
        this.set({ views });
        if (this.state.current === room) this.openRoom(DEFAULT_ROOM);
        return;
      }
      this.updateView(room, (v) => ({ ...v, status: 'error', error: errorText(err) }));
    }
  }

  private async loadLatest(room: string, info: RoomInfo, gen: number): Promise<void> {
    this.updateView(room, (v) => ({ ...v, historyError: undefined }));
    if (info.head === 0) {
      this.updateView(room, (v) => ({ ...v, loaded: true, hasOlder: false }));
      return;
    }
    try {
      const page = await this.client.history(room, { before: info.head + 1, limit: PAGE_SIZE });
      if (this.gen(room) !== gen) return;
      this.updateView(room, (v) =>
        v.hasNewer
          ? // A window far back is replaced: merging would leave a hole.
            { ...v, ...this.edges(v, page.events, page.more, false), loaded: true }
          : { ...v, events: mergeEvents(v.events, page.events), loaded: true, hasOlder: page.more },
      );
    } catch (err) {
      if (this.gen(room) !== gen) return;
      this.updateView(room, (v) => ({ ...v, historyError: errorText(err) }));
    }
  }

  private gen(room: string): number {
    return this.gens.get(room) ?? 0;
  }

  private bump(room: string): number {
    const next = this.gen(room) + 1;
    this.gens.set(room, next);
    return next;
  }

  /** Change item `key` (only while its status is `from`, when given). */
  private patchOutbox(room: string, key: string, patch: Partial<OutboxItem>, from?: SendStatus): void {
    this.updateView(room, (v) => {
      const item = v.outbox.find((o) => o.key === key);
      if (!item || (from !== undefined && item.status !== from)) return v;
      return { ...v, outbox: v.outbox.map((o) => (o === item ? { ...o, ...patch } : o)) };
    });
  }

  /** Forget the oldest sent items whose log entry is already shown. */
  private trimOutbox(room: string): void {
    this.updateView(room, (v) => {
      const landed = v.outbox.filter((o) => o.status === 'sent' && o.seq !== undefined && hasSeq(v.events, o.seq));
      if (landed.length <= SENT_KEEP) return v;
      const drop = new Set(landed.slice(0, landed.length - SENT_KEEP).map((o) => o.key));
      return { ...v, outbox: v.outbox.filter((o) => !drop.has(o.key)) };
    });
  }

  private setView(room: string, view: RoomView): void {
    this.set({ views: { ...this.state.views, [room]: view } });
  }

  private updateView(room: string, fn: (v: RoomView) => RoomView): void {
    const view = this.state.views[room];
    if (!view) return;
    const next = fn(view);
    if (next !== view) this.setView(room, next);
  }

  private set(patch: Partial<ChatState>): void {
    if (this.disposed) return;
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }
}

/**
 * What the message list shows for a room: log entries, then local sends not yet in the log. A
 * send's cid is known before its ack: the log may already hold it (the event overtook the ack,
 * or the ack was lost before a reload).
 */
export function pendingItems(view: RoomView): readonly OutboxItem[] {
  const logged = view.outbox.some((o) => o.cid !== undefined && o.status !== 'sent') ? logCids(view) : undefined;
  // Below the loaded window (history-window.ts) a seq is in the log too, just not loaded.
  const oldest = oldestSeq(view.events) ?? 0;
  return view.outbox.filter(
    (o) =>
      !(o.seq !== undefined && (o.seq < oldest || hasSeq(view.events, o.seq))) &&
      !(o.cid !== undefined && logged?.has(o.cid)),
  );
}

function logCids(view: RoomView): ReadonlySet<string> {
  const out = new Set<string>();
  for (const e of view.events) if (e.cid !== undefined) out.add(e.cid);
  return out;
}

/** Client ids of messages this tab sent and the server acknowledged. */
export function sentCids(view: RoomView): ReadonlySet<string> {
  const out = new Set<string>();
  for (const o of view.outbox) if (o.status === 'sent' && o.cid) out.add(o.cid);
  return out;
}
