/**
 * The client's user-scoped state: following the user log (sync after every welcome, re-sync
 * on a gap), read watermarks (markRead, debounced and resent until the server has it), unread
 * counts (unread.ts, refreshed from the server when they become uncertain) and members'
 * receipts (receipts.ts). client.ts feeds it frames and gives it a way to send; it emits the
 * SDK events `user`, `read`, `unread` and `receipt`.
 */
import type {
  ClientFrameOf,
  ErrorFrame,
  JoinedFrame,
  Receipt,
  ReceiptsFrame,
  RoomEvent,
  RoomsFrame,
  SyncedFrame,
  UnreadFrame,
  UserEvent,
  UserEventFrame,
  UserRef,
} from '../protocol/index.ts';
import { newId } from './ids.ts';
import { ReceiptBook } from './receipts.ts';
import type { ClientEvents } from './types.ts';
import { UnreadTracker, type UnreadChange, type UnreadState } from './unread.ts';
import { UserLogTracker } from './user-log.ts';

/** markRead calls within this window go out as one `read` frame per room. */
export const READ_DEBOUNCE_MS = 300;
/** Uncertain counts are asked for at most this often. */
const REFRESH_DEBOUNCE_MS = 250;

type Timer = ReturnType<typeof setTimeout>;

export interface ReadStateHost {
  emit<E extends 'user' | 'read' | 'unread' | 'receipt'>(event: E, payload: ClientEvents[E]): void;
  /** Writes a frame on the current connection; false when not connected. */
  send(frame: ClientFrameOf<'read'>): boolean;
  /** Requests through the client's request path; they reject when the connection drops. */
  sync(after: number | undefined): Promise<SyncedFrame>;
  unread(room: string): Promise<UnreadFrame>;
  me(): UserRef | undefined;
}

export class ReadState {
  readonly #host: ReadStateHost;
  readonly #log: UserLogTracker;
  readonly #unread = new UnreadTracker();
  readonly #receipts = new ReceiptBook();
  /** Watermarks this client asked for and the server has not confirmed yet, by room. */
  readonly #wanted = new Map<string, number>();
  /** What was written on the current connection, by room, and the id it went with. */
  readonly #sent = new Map<string, { seq: number; id: string }>();
  #flushTimer: Timer | undefined;
  readonly #stale = new Set<string>();
  #refreshTimer: Timer | undefined;
  /** A sync is in flight on the current connection. */
  #syncing = false;
  #connected = false;

  constructor(host: ReadStateHost, userSeq?: number) {
    this.#host = host;
    this.#log = new UserLogTracker(userSeq);
  }

  /** Last user-log seq delivered: persist it, pass it back as ClientOptions.userSeq. */
  get userSeq(): number | undefined {
    return this.#log.lastSeq;
  }

  unread(room: string): UnreadState | undefined {
    return this.#unread.get(room);
  }

  unreadAll(): UnreadState[] {
    return this.#unread.all();
  }

  receipts(room: string): Receipt[] {
    return this.#receipts.get(room);
  }

  // ---- connection ---------------------------------------------------------------------------

  /** After every welcome: follow the user log from where we are, resend unconfirmed reads. */
  connected(): void {
    this.#connected = true;
    this.#sent.clear();
    this.#sync();
    this.#flush();
    this.#scheduleRefresh();
  }

  disconnected(): void {
    this.#connected = false;
    this.#syncing = false;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
  }

  #sync(): void {
    if (this.#syncing || !this.#connected) return;
    this.#syncing = true;
    this.#host.sync(this.#log.resumePoint()).then(
      (f) => {
        this.#syncing = false;
        this.#deliver(this.#log.synced(f.from, f.reset));
        if (this.#log.hasGap()) this.#sync();
      },
      () => {
        // Dropped or timed out: the next welcome syncs again.
        this.#syncing = false;
      },
    );
  }

  // ---- inbound --------------------------------------------------------------------------------

  userEvent(frame: UserEventFrame): void {
    const { type: _type, ...event } = frame;
    this.#deliver(this.#log.receive(event));
    if (this.#log.hasGap()) this.#sync();
  }

  #deliver(events: UserEvent[]): void {
    for (const e of events) {
      this.#host.emit('user', e);
      if (e.kind === 'read' && e.read !== undefined) this.#confirmedRead(e.room, e.read);
      else if (e.kind === 'member') this.#refresh(e.room);
      else if (e.kind === 'unmember') this.forget(e.room);
    }
  }

  #confirmedRead(room: string, seq: number): void {
    const wanted = this.#wanted.get(room);
    if (wanted !== undefined && wanted <= seq) {
      this.#wanted.delete(room);
      this.#sent.delete(room);
    }
    const before = this.#unread.get(room)?.read;
    this.#apply(room, this.#unread.read(room, seq, true));
    if (before === undefined || seq > before) this.#host.emit('read', { room, seq });
  }

  joined(frame: JoinedFrame, reset: boolean): void {
    const room = frame.room.name;
    if (reset) this.#unread.forget(room);
    if (frame.unread) this.#apply(room, this.#unread.snapshot(frame.unread));
    if (frame.receipts) this.receiptsFrame({ type: 'receipts', room, receipts: frame.receipts });
  }

  rooms(frame: RoomsFrame): void {
    for (const c of frame.unread ?? []) this.#apply(c.room, this.#unread.snapshot(c));
  }

  receiptsFrame(frame: ReceiptsFrame): void {
    if (this.#receipts.merge(frame.room, frame.receipts)) {
      this.#host.emit('receipt', { room: frame.room, receipts: this.#receipts.get(frame.room) });
    }
  }

  /** A room event delivered to the app (in order, once). */
  roomEvent(event: RoomEvent): void {
    this.#apply(event.room, this.#unread.event(event, this.#host.me()));
  }

  /** A `read` frame was refused (e.g. not a member any more): stop asking for it. */
  refused(frame: ErrorFrame): boolean {
    for (const [room, sent] of this.#sent) {
      if (sent.id !== frame.id) continue;
      this.#sent.delete(room);
      this.#wanted.delete(room);
      return true;
    }
    return false;
  }

  /** Left, kicked, banned, or the room is gone: its counts and receipts go. */
  forget(room: string): void {
    this.#wanted.delete(room);
    this.#sent.delete(room);
    this.#receipts.forget(room);
    const had = this.#unread.get(room);
    if (this.#unread.forget(room) && had) this.#host.emit('unread', { ...had, unread: 0, mentions: 0 });
  }

  // ---- outbound -------------------------------------------------------------------------------

  /** You have read `room` up to `seq`: shown at once, sent debounced, resent until stored. */
  markRead(room: string, seq: number): void {
    const current = Math.max(this.#wanted.get(room) ?? 0, this.#unread.get(room)?.read ?? 0);
    if (!Number.isSafeInteger(seq) || seq <= current) return;
    this.#wanted.set(room, seq);
    this.#apply(room, this.#unread.read(room, seq, false));
    this.#host.emit('read', { room, seq });
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      this.#flush();
    }, READ_DEBOUNCE_MS);
  }

  #flush(): void {
    if (!this.#connected) return;
    for (const [room, seq] of this.#wanted) {
      if ((this.#sent.get(room)?.seq ?? 0) >= seq) continue;
      const id = newId();
      if (this.#host.send({ type: 'read', id, room, seq })) this.#sent.set(room, { seq, id });
    }
  }

  #apply(room: string, change: UnreadChange): void {
    if (change.changed) {
      const state = this.#unread.get(room);
      if (state) this.#host.emit('unread', state);
    }
    if (change.refresh) this.#refresh(room);
  }

  /** Ask the server for the room's counts soon (debounced, and only while connected). */
  #refresh(room: string): void {
    this.#stale.add(room);
    this.#scheduleRefresh();
  }

  #scheduleRefresh(): void {
    if (!this.#connected || this.#stale.size === 0 || this.#refreshTimer !== undefined) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      const rooms = [...this.#stale];
      this.#stale.clear();
      for (const room of rooms) {
        this.#host.unread(room).then(
          (f) => {
            for (const c of f.counts) this.#apply(c.room, this.#unread.snapshot(c));
          },
          () => this.#stale.add(room), // asked again after the next welcome
        );
      }
    }, REFRESH_DEBOUNCE_MS);
  }

  close(): void {
    this.disconnected();
    this.#stale.clear();
  }
}
