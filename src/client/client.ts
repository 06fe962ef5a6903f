/**
 * The Parley client: a thin façade over its parts (built and wired in parts.ts). The connection
 * (connection.ts) is the state machine and the only place the state changes; credentials,
 * requests, the writer (outbox), subscriptions (rooms), the router, files, read state, statuses
 * and typing each do one job.
 */
import type {
  AssignableRole,
  ClientFrameOf,
  FileRef,
  Receipt,
  RoomEvent,
  RoomInfo,
  RoomMetaKind,
  RoomRole,
  UserRef,
  UserStatus,
} from '../protocol/index.ts';
import { LIMITS } from '../protocol/limits.ts';
import type { Activity } from './activity.ts';
import type { Connection } from './connection.ts';
import { ClientError, closedError } from './errors.ts';
import type { Emitter } from './events.ts';
import { fileFrame, type Files } from './files.ts';
import { newId } from './ids.ts';
import { moderationFrame, roleFrame, type CreateRoomOptions, type ModerationFrame } from './moderation.ts';
import { wireParts } from './parts.ts';
import type { ReadState } from './read-state.ts';
import type { Requests } from './requests.ts';
import { dmFrame, historyFrame, renameFrame, topicFrame, type MemberList } from './room-admin.ts';
import { searchFrame, toPage, type SearchOptions, type SearchPage } from './search.ts';
import type { RoomPresenceBook } from './room-presence.ts';
import type { StatusBook } from './statuses.ts';
import type { Subscriptions } from './subscription.ts';
import type { Typing } from './typing.ts';
import type {
  ClientEvents,
  ClientOptions,
  ConnectionState,
  HistoryQuery,
  ParleyClient,
  PendingEntry,
  SendOptions,
  SendResult,
} from './types.ts';
import type { UnreadState } from './unread.ts';
import type { FileLinks, UploadOptions } from './upload.ts';
import type { Writer } from './writer.ts';

export class Client implements ParleyClient {
  readonly #emitter: Emitter<ClientEvents>;
  readonly #connection: Connection;
  readonly #requests: Requests;
  readonly #writer: Writer;
  readonly #subs: Subscriptions;
  readonly #files: Files;
  /** The user log, read watermarks, unread counts and receipts (read-state.ts). */
  readonly #read: ReadState;
  /** Presence: known user statuses and this client's activity (statuses.ts). */
  readonly #statuses: StatusBook;
  readonly #typing: Typing;
  readonly #roomPresence: RoomPresenceBook;

  constructor(options: ClientOptions) {
    const parts = wireParts(options);
    this.#emitter = parts.emitter;
    this.#connection = parts.connection;
    this.#requests = parts.requests;
    this.#writer = parts.writer;
    this.#subs = parts.subs;
    this.#files = parts.files;
    this.#read = parts.read;
    this.#statuses = parts.statuses;
    this.#typing = parts.typing;
    this.#roomPresence = parts.roomPresence;
  }

  get state(): ConnectionState {
    return this.#connection.state;
  }

  get user(): UserRef | undefined {
    return this.#connection.user;
  }

  get session(): string | undefined {
    return this.#connection.session;
  }

  on<E extends keyof ClientEvents>(event: E, fn: (payload: ClientEvents[E]) => void): () => void {
    return this.#emitter.on(event, fn);
  }

  connect(): void {
    this.#connection.connect();
  }

  close(): void {
    this.#connection.close();
  }

  get userSeq(): number | undefined {
    return this.#read.userSeq;
  }

  markRead(room: string, seq: number): void {
    this.#read.markRead(room, seq);
  }

  unread(room: string): UnreadState | undefined {
    return this.#read.unread(room);
  }

  unreadAll(): UnreadState[] {
    return this.#read.unreadAll();
  }

  receipts(room: string): Receipt[] {
    return this.#read.receipts(room);
  }

  role(room: string): RoomRole | undefined {
    return this.#subs.role(room);
  }

  lastSeq(room: string): number | undefined {
    return this.#subs.lastSeq(room);
  }

  status(userId: string): UserStatus | undefined {
    return this.#statuses.get(userId);
  }

  who(userIds: readonly string[]): Promise<UserStatus[]> {
    return this.#statuses.who(userIds, LIMITS.whoMax);
  }

  setActivity(activity: Activity): void {
    this.#statuses.setActivity(activity);
  }

  get activity(): Activity {
    return this.#statuses.activity;
  }

  online(room: string): { online: UserRef[]; count: number } | undefined {
    return this.#roomPresence.get(room);
  }

  typing(room: string, on = true): void {
    if (!this.#subs.joinedHere(room) || !this.#connection.connected()) return;
    this.#typing.set(room, on);
  }

  rooms(): Promise<RoomInfo[]> {
    return this.#requests.request({ type: 'rooms', id: newId() }, 'rooms', { onDrop: 'retry' }).then((f) => {
      this.#read.rooms(f);
      return f.rooms;
    });
  }

  createRoom(name: string, title?: string, options: CreateRoomOptions = {}): Promise<RoomInfo> {
    const frame: ClientFrameOf<'create'> = { type: 'create', id: newId(), room: name };
    if (title !== undefined) frame.title = title;
    if (options.visibility !== undefined) frame.visibility = options.visibility;
    // Not idempotent (a retry could meet room_exists), so a drop rejects it instead of resending.
    return this.#requests.request(frame, 'room', { onDrop: 'reject' }).then((f) => f.room);
  }

  invite(room: string, user: string): Promise<SendResult> {
    return this.#moderate(moderationFrame('invite', room, user));
  }

  kick(room: string, user: string): Promise<SendResult> {
    return this.#moderate(moderationFrame('kick', room, user));
  }

  ban(room: string, user: string): Promise<SendResult> {
    return this.#moderate(moderationFrame('ban', room, user));
  }

  unban(room: string, user: string): Promise<SendResult> {
    return this.#moderate(moderationFrame('unban', room, user));
  }

  setRole(room: string, user: string, role: AssignableRole): Promise<SendResult> {
    return this.#moderate(roleFrame(room, user, role));
  }

  dm(users: readonly string[]): Promise<RoomInfo> {
    // Idempotent on its id (the same pair is always the same room; a group resend finds its room).
    return this.#requests.request(dmFrame(users), 'room', { onDrop: 'retry' }).then((f) => f.room);
  }

  rename(room: string, title: string): Promise<SendResult> {
    return this.#moderate(renameFrame(room, title));
  }

  setTopic(room: string, topic: string): Promise<SendResult> {
    return this.#moderate(topicFrame(room, topic));
  }

  members(room: string): Promise<MemberList> {
    return this.#requests
      .request({ type: 'members', id: newId(), room }, 'members', { onDrop: 'retry' })
      .then((f) => ({ members: f.members, more: f.more, total: f.total }));
  }

  /**
   * Blocks a user (by id, never by name): they cannot open a DM with you or post in your 1:1 DM,
   * and do not see your presence or typing. Resolves with everyone you block (the `blocks` event
   * fires too). Idempotent, so a drop is retried.
   */
  block(userId: string): Promise<UserRef[]> {
    return this.#blocks({ type: 'block', id: newId(), user: userId });
  }

  unblock(userId: string): Promise<UserRef[]> {
    return this.#blocks({ type: 'unblock', id: newId(), user: userId });
  }

  /** The people you block. */
  blocked(): Promise<UserRef[]> {
    return this.#blocks({ type: 'blocks', id: newId() });
  }

  /** Idempotent (the same name again changes nothing), so a drop is retried. */
  setDisplayName(name: string): Promise<UserRef> {
    return this.#requests
      .request({ type: 'profile', id: newId(), name }, 'profile', { onDrop: 'retry' })
      .then((f) => f.user);
  }

  #blocks(frame: ClientFrameOf<'block' | 'unblock' | 'blocks'>): Promise<UserRef[]> {
    return this.#requests.request(frame, 'blocks', { onDrop: 'retry' }).then((f) => f.users);
  }

  /** Read-only, so a search cut off by a reconnect is simply sent again. */
  search(q: string, opts: SearchOptions = {}): Promise<SearchPage> {
    return this.#requests.request(searchFrame(q, opts), 'results', { onDrop: 'retry' }).then(toPage);
  }

  history(room: string, q: HistoryQuery = {}): Promise<{ events: RoomEvent[]; more: boolean }> {
    return this.#requests
      .request(historyFrame(room, q), 'history', { room, onDrop: 'retry' })
      .then((f) => ({ events: f.events, more: f.more }));
  }

  join(room: string): Promise<RoomInfo> {
    return this.#subs.join(room);
  }

  leave(room: string): Promise<void> {
    if (this.#connection.state === 'closed') return Promise.reject(closedError());
    this.#subs.forget(room, new ClientError('not_member', `Left room "${room}"`, false));
    this.#read.forget(room);
    return this.#requests
      .request({ type: 'leave', id: newId(), room }, 'left', { onDrop: 'retry' })
      .then(() => undefined);
  }

  send(room: string, body: string, opts: SendOptions = {}): Promise<SendResult> {
    const reply = opts.reply === undefined ? {} : { reply: opts.reply };
    return this.#writer.enqueue({ type: 'send', id: newId(), room, kind: 'text', body, ...reply });
  }

  upload(room: string, file: Blob | Uint8Array, opts?: UploadOptions): Promise<FileRef> {
    return this.#files.upload(room, file, opts);
  }

  async sendFile(
    room: string,
    file: FileRef | Blob | Uint8Array,
    caption = '',
    opts?: UploadOptions,
  ): Promise<SendResult> {
    const ref = await this.#files.ref(room, file, opts);
    return this.#writer.enqueue(fileFrame(room, ref, caption));
  }

  fileLinks(fileId: string): Promise<FileLinks> {
    return this.#files.links(fileId);
  }

  edit(room: string, ref: number, body: string): Promise<SendResult> {
    return this.#writer.enqueue({ type: 'edit', id: newId(), room, ref, body });
  }

  remove(room: string, ref: number): Promise<SendResult> {
    return this.#writer.enqueue({ type: 'delete', id: newId(), room, ref });
  }

  react(room: string, ref: number, emoji: string, on = true): Promise<SendResult> {
    return this.#writer.enqueue({ type: 'react', id: newId(), room, ref, emoji, on });
  }

  pending(): PendingEntry[] {
    return this.#writer.pending();
  }

  discard(id: string): boolean {
    return this.#writer.discard(id);
  }

  /** Moderation frames are idempotent on their id (the server acks a resend with the original seq). */
  #moderate(frame: ModerationFrame | ClientFrameOf<RoomMetaKind>): Promise<SendResult> {
    return this.#requests.request(frame, 'ack', { onDrop: 'retry' }).then((f) => ({
      id: f.id,
      room: f.room,
      seq: f.seq,
      ts: f.ts,
      duplicate: f.duplicate,
    }));
  }
}

export function createClient(options: ClientOptions): ParleyClient {
  const client = new Client(options);
  // Connect on the next microtask so the caller can subscribe to the first state change.
  if (options.autoConnect ?? true) {
    queueMicrotask(() => {
      if (client.state === 'idle') client.connect();
    });
  }
  return client;
}
