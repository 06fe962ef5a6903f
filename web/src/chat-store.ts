/**
 * The app's state, kept outside the component tree: one ChatStore wraps one SDK client,
 * turns its events into an immutable ChatState snapshot, and tells subscribers when it
 * changes. Components read snapshots and call methods; they never touch the client.
 *
 * This file is the façade: the connection, the welcome and errors are here; each other job is a
 * part under store/ (state cell, outbox-derived rows, history window, joins, room list,
 * moderation). The parts never import this file.
 */
import type {
  ClientError,
  MemberList,
  ParleyClient,
  RoomEvent,
  RoomRole,
  SearchOptions,
  SearchPage,
  UserRef,
} from '../../src/client/index.ts';
import { FileTransfers } from './file-transfers.ts';
import { PresenceBook } from './presence-book.ts';
import { BlockList } from './block-list.ts';
import { PeopleBook } from './people-book.ts';
import { errorText } from './format.ts';
import { t } from './i18n/index.ts';
import { OutboxRows } from './store/outbox-rows.ts';
import { RoomAdmin } from './store/room-admin.ts';
import { RoomHistory } from './store/room-history.ts';
import { RoomJoins } from './store/room-joins.ts';
import { RoomList } from './store/room-list.ts';
import { StoreState } from './store/state.ts';
import {
  DEFAULT_ROOM,
  LOGIN_ERRORS,
  PAGE_SIZE,
  type ChatState,
  type ChatStoreOptions,
  type Listener,
} from './store/types.ts';

export { DEFAULT_ROOM, LOGIN_ERRORS, PAGE_SIZE } from './store/types.ts';
export type { ChatState, ChatStoreOptions, ConnInfo, OutboxItem, RoomView, SendStatus } from './store/types.ts';
export { pendingItems, sentCids } from './store/pending.ts';

export class ChatStore {
  private readonly s: StoreState;
  private readonly client: ParleyClient;
  /** Uploads with progress, and signed links for showing files (file-transfers.ts). */
  readonly files: FileTransfers;
  /** User statuses for dots and "last seen", and this page's activity (presence-book.ts). */
  readonly presence: PresenceBook;
  /** Whom you block (block-list.ts). */
  readonly blocks: BlockList;
  /** Everyone's freshest name, by user id (people-book.ts). */
  readonly people: PeopleBook;
  private readonly history: RoomHistory;
  private readonly joins: RoomJoins;
  private readonly list: RoomList;
  private readonly admin: RoomAdmin;
  private readonly rows: OutboxRows;
  private readonly offs: Array<() => void> = [];

  constructor(private readonly opts: ChatStoreOptions) {
    const initial: ChatState = {
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
    const s = (this.s = new StoreState(initial, this.client));
    this.files = new FileTransfers(this.client);
    this.presence = new PresenceBook(this.client, opts.idleMs);
    this.blocks = new BlockList(this.client);
    this.people = new PeopleBook(this.client);
    this.history = new RoomHistory(s);
    this.joins = new RoomJoins(s, this.history, opts.onRoom);
    this.list = new RoomList(s, this.joins, opts.onUserSeq);
    this.admin = new RoomAdmin(s, this.list);
    this.rows = new OutboxRows(s, (room) => this.joins.ensureRoom(room));
    const c = this.client;
    this.offs.push(
      c.on('state', (st) =>
        s.set({
          conn: {
            state: st.state,
            attempt: st.attempt,
            ...(st.state === 'reconnecting' && st.delayMs !== undefined ? { retryAt: Date.now() + st.delayMs } : {}),
            ...(st.code !== undefined ? { code: st.code } : {}),
            ...(st.reason ? { reason: st.reason } : {}),
          },
        }),
      ),
      c.on('welcome', (w) => this.onWelcome(w.user, w.session)),
      c.on('event', (e) => this.onEvent(e)),
      c.on('presence', (p) => s.updateView(p.room, (v) => ({ ...v, online: p.online, onlineCount: p.count }))),
      c.on('typing', (ty) => s.updateView(ty.room, (v) => ({ ...v, typing: ty.users }))),
      c.on('reset', (r) => this.history.onReset(r.room, r.room_info)),
      c.on('error', (e) => this.onError(e)),
      c.on('outbox', (o) => this.rows.onOutbox(o)),
      c.on('unread', (u) => this.joins.onUnread(u)),
      c.on('receipt', (r) => s.updateView(r.room, (v) => ({ ...v, receipts: r.receipts }))),
      c.on('user', (e) => this.list.onUserEvent(e)),
      // Your display name changed (here or in another tab).
      c.on('profile', ({ user }) => {
        if (user.id === this.s.state.user?.id) this.s.set({ user });
      }),
    );
  }

  getState(): ChatState {
    return this.s.state;
  }

  subscribe(fn: Listener): () => void {
    return this.s.subscribe(fn);
  }

  start(): void {
    // A known user (a reload): show the room now; its join goes out once connected.
    if (this.s.state.user) this.openRoom(this.s.state.current);
    this.client.connect();
  }

  /** Reconnect after the connection was closed for good. */
  reconnect(): void {
    if (this.s.disposed) return;
    this.s.set({ notice: undefined });
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
    if (this.s.disposed) return;
    this.s.disposed = true;
    this.list.dispose();
    for (const off of this.offs.splice(0)) off();
    this.s.clearListeners();
    this.files.dispose();
    this.presence.dispose();
    this.blocks.close();
    this.people.close();
    this.client.close();
    this.opts.onDispose?.();
  }

  /** Give up on this nickname/session for a reason found outside the connection. */
  refuse(code: string, message: string): void {
    this.s.set({ loginError: { code, message } });
  }

  dismissNotice(): void {
    this.s.set({ notice: undefined });
  }

  /** Make `name` the current room, joining it the first time. */
  openRoom(name: string): void {
    this.joins.openRoom(name);
  }

  /** You have read `room` up to `seq` (the SDK debounces and syncs it to your other tabs). */
  markRead(room: string, seq: number): void {
    this.client.markRead(room, seq);
  }

  refreshRooms(): Promise<void> {
    return this.list.refreshRooms();
  }

  /** Show or hide the room directory; showing it refreshes the list (counts, new rooms). */
  showDirectory(open: boolean): void {
    this.s.set({ directoryOpen: open });
    if (open) void this.list.refreshRooms();
  }

  /** The latest messages of a public room you are not in, read without joining it. */
  preview(room: string, limit = PAGE_SIZE): Promise<RoomEvent[]> {
    return this.list.preview(room, limit);
  }

  /** Join a room from the directory (the one place that joins a room you are not in) and open it. */
  joinRoom(name: string): void {
    this.s.set({ directoryOpen: false });
    this.joins.openRoom(name);
  }

  /** Create a room and switch to it. Rejects with the server's error for the form to show. */
  createRoom(name: string, title?: string, priv = false): Promise<void> {
    return this.list.createRoom(name, title, priv);
  }

  /** Open (or reuse: the same two people always share one) a direct message and switch to it. */
  openDm(users: readonly string[]): Promise<void> {
    return this.list.openDm(users);
  }

  /**
   * Opens a DM from a button that has no form to show an error in (member panel, quick
   * switcher): a refusal (`blocked`) is said in the notice. True when it opened.
   */
  messageUser(userId: string): Promise<boolean> {
    return this.list.openDm([userId]).then(
      () => true,
      (err: unknown) => {
        this.s.set({ notice: errorText(err) });
        return false;
      },
    );
  }

  /** Owner or moderator (any member of a DM); rejects with the server's error for the form. */
  setRoomMeta(room: string, title: string | undefined, topic: string | undefined): Promise<void> {
    return this.admin.setRoomMeta(room, title, topic);
  }

  members(room: string): Promise<MemberList> {
    return this.admin.members(room).then((list) => {
      this.people.see(list.members.map((m) => m.user));
      return list;
    });
  }

  /** Leave `room` and show general; rejects with the server's error. Other tabs follow by the user log. */
  leave(room: string): Promise<void> {
    return this.admin.leave(room);
  }

  /** Owner or moderator: add, remove or ban `user` (an id); rejects with the server's error. */
  moderate(kind: 'invite' | 'kick' | 'ban', room: string, user: string): Promise<void> {
    return this.admin.moderate(kind, room, user);
  }

  /** Full-text search in the rooms you are a member of (jump to a hit with message-jump.ts). */
  search(q: string, opts?: SearchOptions): Promise<SearchPage> {
    return this.client.search(q, opts);
  }

  /** One event of a room's log, e.g. the original of a reply that is not loaded; undefined when missing. */
  message(room: string, seq: number): Promise<RoomEvent | undefined> {
    return this.history.message(room, seq);
  }

  loadOlder(room: string): Promise<void> {
    return this.history.loadOlder(room);
  }

  /** The page after the window, while it stops short of the head; drops the oldest past WINDOW_MAX. */
  loadNewer(room: string): Promise<void> {
    return this.history.loadNewer(room);
  }

  /**
   * Make `seq` part of the room's window: when it is not loaded, the window is replaced by the
   * page around it (a jump far back never loads everything between). False when that failed.
   */
  jumpTo(room: string, seq: number): Promise<boolean> {
    return this.history.jumpTo(room, seq);
  }

  /** Back to the newest messages after the window was moved away from them. */
  showLatest(room: string): Promise<void> {
    return this.history.showLatest(room);
  }

  /** Retry the latest page after it failed. */
  reloadHistory(room: string): void {
    this.history.reloadHistory(room);
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
    this.rows.write(room, body, reply);
  }

  /** A failed message goes again as a new send, in the failed one's place (the SDK forgot it). */
  retry(room: string, key: string): void {
    this.rows.retry(room, key);
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

  discard(room: string, key: string): void {
    this.rows.discard(room, key);
  }

  // ---- internals ----

  private changed(write: Promise<unknown>): void {
    write.catch((err: unknown) => this.s.set({ notice: t('messages.failed', { error: errorText(err) }) }));
  }

  private onWelcome(user: UserRef, session: string): void {
    const first = !this.s.state.welcomed;
    this.s.set({ user, welcomed: true, loginError: undefined, nick: user.nick });
    this.opts.onWelcome?.(user, session);
    void this.list.refreshRooms();
    // After a reconnect the SDK resumes the rooms it had joined by itself.
    if (first) this.openRoom(this.s.state.current);
  }

  private onEvent(e: RoomEvent): void {
    this.history.onEvent(e);
    if (e.kind === 'rename' || e.kind === 'topic') this.list.onRoomMeta(e);
  }

  private onError(e: ClientError): void {
    if (LOGIN_ERRORS.has(e.code)) {
      this.s.set({ loginError: { code: e.code, message: errorText(e) } });
      return;
    }
    // Errors that answer a request also reject its promise and are shown there.
    if (e.id === undefined) this.s.set({ notice: errorText(e) });
  }
}
