/**
 * The web app's ChatStore against a scripted fake client (no browser, no server): merging
 * history with live events, pending → sent/failed sends, resets and login errors.
 */
import { describe, expect, it } from 'vitest';
import type {
  ClientEvents,
  ClientOptions,
  ParleyClient,
  PendingEntry,
  RoomEvent,
  RoomInfo,
  SendOptions,
  SendResult,
  UserRef,
} from '../../src/client/index.ts';
import { ClientError } from '../../src/client/index.ts';
import { ChatStore, pendingItems, sentCids } from '../../web/src/chat-store.ts';
import { WINDOW_MAX } from '../../web/src/history-window.ts';
import { mergeEvents } from '../../web/src/room-log.ts';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const ALICE = { id: 'u-alice', nick: 'alice' };
const BOB = { id: 'u-bob', nick: 'bob' };

function info(head: number, epoch = 'e1'): RoomInfo {
  return { name: 'general', title: 'General', epoch, head, createdAt: 1 };
}

function ev(seq: number, body = `m${seq}`, sender = BOB, cid?: string): RoomEvent {
  return {
    room: 'general',
    seq,
    id: `ev${seq}`,
    sender,
    kind: 'text',
    body,
    ts: 1_700_000_000_000 + seq,
    ...(cid ? { cid } : {}),
  };
}

/** A ParleyClient whose answers the test hands out by hand. */
class FakeClient implements ParleyClient {
  state: ParleyClient['state'] = 'idle';
  user = undefined;
  session = undefined;
  readonly listeners = new Map<string, Set<(p: never) => void>>();
  readonly joins: Array<Deferred<RoomInfo>> = [];
  readonly histories: Array<{ room: string; q: unknown; d: Deferred<{ events: RoomEvent[]; more: boolean }> }> = [];
  readonly sends: Array<{ body: string; d: Deferred<SendResult> }> = [];
  /** What pending() returns; discard() removes from it. */
  unsent: PendingEntry[] = [];
  readonly discarded: string[] = [];
  closed = false;

  constructor(readonly opts: ClientOptions) {}

  connect(): void {}
  close(): void {
    this.closed = true;
  }
  on<E extends keyof ClientEvents>(event: E, fn: (payload: ClientEvents[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(fn as (p: never) => void);
    return () => set.delete(fn as (p: never) => void);
  }
  emit<E extends keyof ClientEvents>(event: E, payload: ClientEvents[E]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (p: ClientEvents[E]) => void)(payload);
  }
  rooms(): Promise<RoomInfo[]> {
    return Promise.resolve([info(0)]);
  }
  createRoom(name: string): Promise<RoomInfo> {
    return Promise.resolve({ ...info(0), name });
  }
  join(): Promise<RoomInfo> {
    const d = deferred<RoomInfo>();
    this.joins.push(d);
    return d.promise;
  }
  leave(): Promise<void> {
    return Promise.resolve();
  }
  /**
   * As the SDK's writer: `added` before send() returns; the ack resolves the promise, then
   * `acked`; a final error rejects it, then `failed` (a closed client rejects without an event).
   */
  send(room: string, body: string, opts: SendOptions = {}): Promise<SendResult> {
    if (this.closed) return Promise.reject(new ClientError('closed', 'The client is closed', false));
    const id = `c${this.sends.length + 1}`;
    const reply = opts.reply === undefined ? {} : { reply: opts.reply };
    const entry: PendingEntry = {
      id,
      room,
      frame: { type: 'send', id, room, kind: 'text', body, ...reply },
      createdAt: Date.now(),
      restored: false,
      status: 'pending',
    };
    const d = deferred<SendResult>();
    this.sends.push({
      body,
      d: {
        promise: d.promise,
        resolve: (result) => {
          d.resolve(result);
          this.emit('outbox', { change: 'acked', entry, result });
        },
        reject: (error) => {
          d.reject(error);
          if (error instanceof ClientError && error.code !== 'closed') {
            this.emit('outbox', { change: 'failed', entry: { ...entry, status: 'failed', error }, error });
          }
        },
      },
    });
    this.emit('outbox', { change: 'added', entry });
    return d.promise;
  }
  edit(): Promise<SendResult> {
    return new Promise(() => undefined);
  }
  remove(): Promise<SendResult> {
    return new Promise(() => undefined);
  }
  react(): Promise<SendResult> {
    return new Promise(() => undefined);
  }
  // Moderation is not used by the web store.
  invite = (): Promise<SendResult> => new Promise(() => undefined);
  kick = (): Promise<SendResult> => new Promise(() => undefined);
  ban = (): Promise<SendResult> => new Promise(() => undefined);
  unban = (): Promise<SendResult> => new Promise(() => undefined);
  setRole = (): Promise<SendResult> => new Promise(() => undefined);
  dm = (): Promise<RoomInfo> => new Promise(() => undefined);
  rename = (): Promise<SendResult> => new Promise(() => undefined);
  setTopic = (): Promise<SendResult> => new Promise(() => undefined);
  members = (): Promise<{ members: never[]; more: boolean; total: number }> =>
    Promise.resolve({ members: [], more: false, total: 0 });
  block = (): Promise<never[]> => Promise.resolve([]);
  unblock = (): Promise<never[]> => Promise.resolve([]);
  blocked = (): Promise<never[]> => Promise.resolve([]);
  setDisplayName = (name: string): Promise<UserRef> =>
    Promise.resolve({ id: 'me', nick: 'me', ...(name === '' ? {} : { name }) });
  // Files are not used by these tests.
  upload = (): ReturnType<ParleyClient['upload']> => new Promise(() => undefined);
  sendFile = (): Promise<SendResult> => new Promise(() => undefined);
  fileLinks = (): ReturnType<ParleyClient['fileLinks']> => new Promise(() => undefined);
  // Search is not used by these tests.
  search = (): ReturnType<ParleyClient['search']> => new Promise(() => undefined);
  // Presence: nobody is known; activity is remembered.
  activity: ParleyClient['activity'] = 'active';
  status = (): ReturnType<ParleyClient['status']> => undefined;
  who = (): ReturnType<ParleyClient['who']> => Promise.resolve([]);
  online = (): ReturnType<ParleyClient['online']> => undefined;
  setActivity = (a: ParleyClient['activity']): void => {
    this.activity = a;
  };
  pending(): PendingEntry[] {
    return this.unsent;
  }
  discard(id: string): boolean {
    this.discarded.push(id);
    const before = this.unsent.length;
    this.unsent = this.unsent.filter((e) => e.id !== id);
    return this.unsent.length < before;
  }
  history(room: string, q?: unknown): Promise<{ events: RoomEvent[]; more: boolean }> {
    const d = deferred<{ events: RoomEvent[]; more: boolean }>();
    this.histories.push({ room, q, d });
    return d.promise;
  }
  lastSeq(): number | undefined {
    return undefined;
  }
  role(): undefined {
    return undefined;
  }
  // Read state: the store follows the SDK's `unread` events; markRead calls are recorded.
  userSeq = undefined;
  readonly marked: [string, number][] = [];
  markRead(room: string, seq: number): void {
    this.marked.push([room, seq]);
  }
  unread = (): undefined => undefined;
  unreadAll = (): ReturnType<ParleyClient['unreadAll']> => [];
  receipts = (): ReturnType<ParleyClient['receipts']> => [];
  /** typing() calls, in order. */
  readonly typed: [string, boolean][] = [];
  typing(room: string, on = true): void {
    this.typed.push([room, on]);
  }
}

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((r) => setTimeout(r, 0));

async function joinedStore(head: number): Promise<{ store: ChatStore; fake: FakeClient }> {
  let fake!: FakeClient;
  const store = new ChatStore({
    url: 'ws://test/ws',
    nick: 'alice',
    createClient: (o) => (fake = new FakeClient(o)),
  });
  store.start();
  fake.emit('welcome', { user: ALICE, session: 's1' });
  fake.joins[0]!.resolve(info(head));
  await flush();
  return { store, fake };
}

const view = (store: ChatStore) => store.getState().views['general']!;
const seqs = (store: ChatStore) => view(store).events.map((e) => e.seq);

describe('mergeEvents', () => {
  it('keeps seqs unique and ascending whatever the arrival order', () => {
    const a = mergeEvents([], [ev(3), ev(4)]);
    const b = mergeEvents(a, [ev(5)]);
    const c = mergeEvents(b, [ev(1), ev(2), ev(3)]);
    expect(c.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(mergeEvents(c, [ev(2), ev(5)])).toBe(c);
  });
});

describe('ChatStore', () => {
  it('joins general on welcome and loads the last page before head + 1', async () => {
    const { store, fake } = await joinedStore(120);
    expect(fake.opts.autoConnect).toBe(false);
    expect(fake.histories[0]).toMatchObject({ room: 'general', q: { before: 121, limit: 50 } });
    // A live event arrives before the history page: merged by seq, shown once.
    fake.emit('event', ev(121));
    fake.histories[0]!.d.resolve({ events: Array.from({ length: 50 }, (_, i) => ev(71 + i)), more: true });
    await flush();
    fake.emit('event', ev(121));
    expect(seqs(store)).toEqual(Array.from({ length: 51 }, (_, i) => 71 + i));
    expect(view(store)).toMatchObject({ loaded: true, hasOlder: true, status: 'joined' });

    void store.loadOlder('general');
    expect(fake.histories[1]).toMatchObject({ q: { before: 71, limit: 50 } });
    fake.histories[1]!.d.resolve({ events: Array.from({ length: 70 }, (_, i) => ev(1 + i)), more: false });
    await flush();
    expect(seqs(store)).toEqual(Array.from({ length: 121 }, (_, i) => 1 + i));
    expect(view(store).hasOlder).toBe(false);
  });

  it('shows a send as pending, then sent on ack, once in the log', async () => {
    const { store, fake } = await joinedStore(0);
    store.send('general', 'hello');
    expect(pendingItems(view(store))).toMatchObject([{ body: 'hello', status: 'pending' }]);
    // The event can overtake the ack.
    fake.emit('event', ev(1, 'hello', ALICE, 'c1'));
    fake.sends[0]!.d.resolve({ id: 'c1', room: 'general', seq: 1, ts: 1, duplicate: false });
    await flush();
    expect(pendingItems(view(store))).toEqual([]);
    expect(sentCids(view(store)).has('c1')).toBe(true);
    expect(seqs(store)).toEqual([1]);
  });

  it('marks a rejected send failed, and retry sends it again', async () => {
    const { store, fake } = await joinedStore(0);
    store.send('general', 'oops');
    fake.sends[0]!.d.reject(new ClientError('body_too_long', 'Message body is too long', false));
    await flush();
    const [item] = pendingItems(view(store));
    expect(item).toMatchObject({ status: 'failed', error: 'Message body is too long' });
    store.retry('general', item!.key);
    expect(pendingItems(view(store))).toMatchObject([{ status: 'pending', body: 'oops' }]);
    fake.sends[1]!.d.resolve({ id: 'c2', room: 'general', seq: 1, ts: 1, duplicate: false });
    await flush();
    expect(pendingItems(view(store))).toMatchObject([{ status: 'sent', seq: 1 }]);
  });

  it('drops the room on reset, ignores stale pages, and reloads', async () => {
    const { store, fake } = await joinedStore(10);
    fake.emit('reset', { room: 'general', room_info: info(3, 'e2') });
    fake.histories[0]!.d.resolve({ events: [ev(9), ev(10)], more: true }); // the old epoch's answer
    await flush();
    expect(seqs(store)).toEqual([]);
    expect(fake.histories[1]).toMatchObject({ q: { before: 4, limit: 50 } });
    fake.histories[1]!.d.resolve({ events: [ev(1), ev(2), ev(3)], more: false });
    await flush();
    expect(seqs(store)).toEqual([1, 2, 3]);
    expect(view(store).info?.epoch).toBe('e2');
  });

  it('reports a refused nickname as a login error', () => {
    let fake!: FakeClient;
    const store = new ChatStore({ url: 'ws://t/ws', nick: 'bob', createClient: (o) => (fake = new FakeClient(o)) });
    store.start();
    fake.emit('error', new ClientError('nick_taken', 'Nickname is in use by another session', false));
    expect(store.getState().loginError).toEqual({
      code: 'nick_taken',
      message: 'Nickname is in use by another session',
    });
    store.dispose();
    expect(fake.closed).toBe(true);
  });

  it('shows messages restored from storage as pending, then sent or failed', async () => {
    const { store, fake } = await joinedStore(0);
    const restored = (id: string, body: string, room = 'general'): PendingEntry => ({
      id,
      room,
      frame: { type: 'send', id, room, kind: 'text', body },
      createdAt: 5,
      restored: true,
      status: 'pending',
    });
    const a = restored('c-a', 'from before the reload');
    const b = restored('c-b', 'refused');
    fake.emit('outbox', { change: 'added', entry: a });
    fake.emit('outbox', { change: 'added', entry: b });
    expect(pendingItems(view(store))).toMatchObject([
      { body: 'from before the reload', status: 'pending', cid: 'c-a', createdAt: 5 },
      { body: 'refused', status: 'pending' },
    ]);

    // The log can hold it before the ack comes (the ack was lost before the reload): shown once.
    fake.emit('event', ev(1, 'from before the reload', ALICE, 'c-a'));
    expect(pendingItems(view(store)).map((o) => o.body)).toEqual(['refused']);
    fake.emit('outbox', {
      change: 'acked',
      entry: a,
      result: { id: 'c-a', room: 'general', seq: 1, ts: 1, duplicate: true },
    });
    expect(sentCids(view(store)).has('c-a')).toBe(true);

    const error = new ClientError('user_changed', 'Not sent: the session was lost', false, 'c-b');
    fake.emit('outbox', { change: 'failed', entry: { ...b, status: 'failed', error }, error });
    const [failed] = pendingItems(view(store));
    expect(failed).toMatchObject({ status: 'failed', error: 'Not sent: the session was lost' });
    store.retry('general', failed!.key);
    expect(fake.sends.map((x) => x.body)).toEqual(['refused']); // a new send, as this user
  });

  it('shows this page’s sends from the outbox events: one pending row each, never a duplicate', async () => {
    const { store, fake } = await joinedStore(0);
    const entry: PendingEntry = {
      id: 'c-x',
      room: 'general',
      frame: { type: 'send', id: 'c-x', room: 'general', kind: 'text', body: 'mine' },
      createdAt: 7,
      restored: false,
      status: 'pending',
    };
    fake.emit('outbox', { change: 'added', entry });
    fake.emit('outbox', { change: 'added', entry });
    expect(pendingItems(view(store))).toEqual([
      { key: 'c-x', body: 'mine', status: 'pending', createdAt: 7, cid: 'c-x' },
    ]);
    store.send('general', 'hello', 3);
    expect(pendingItems(view(store))).toMatchObject([
      { cid: 'c-x', body: 'mine' },
      { cid: 'c1', body: 'hello', reply: 3, status: 'pending' },
    ]);
    // This page's file sends show as uploads (file-transfers.ts), not here.
    const file: PendingEntry = {
      ...entry,
      id: 'c-f',
      frame: { type: 'send', id: 'c-f', room: 'general', kind: 'file', body: '', file: 'f1' },
    };
    fake.emit('outbox', { change: 'added', entry: file });
    expect(pendingItems(view(store)).map((o) => o.cid)).toEqual(['c-x', 'c1']);
    fake.emit('outbox', { change: 'discarded', entry });
    expect(pendingItems(view(store)).map((o) => o.cid)).toEqual(['c1']);
  });

  it('retries a failed send in its place, and shows a send the closed client refused as failed', async () => {
    const { store, fake } = await joinedStore(0);
    store.send('general', 'first');
    store.send('general', 'second');
    fake.sends[0]!.d.reject(new ClientError('not_member', 'Not a member', false));
    await flush();
    store.retry('general', 'c1');
    expect(pendingItems(view(store)).map((o) => [o.cid, o.body, o.status])).toEqual([
      ['c3', 'first', 'pending'],
      ['c2', 'second', 'pending'],
    ]);
    fake.closed = true;
    store.send('general', 'third');
    await flush();
    expect(pendingItems(view(store))[2]).toMatchObject({ body: 'third', status: 'failed' });
    expect(pendingItems(view(store))[2]?.cid).toBeUndefined();
  });

  it('joins the room of a restored message in the background', async () => {
    const { store, fake } = await joinedStore(0);
    const entry: PendingEntry = {
      id: 'c-r',
      room: 'random',
      frame: { type: 'send', id: 'c-r', room: 'random', kind: 'text', body: 'elsewhere' },
      createdAt: 1,
      restored: true,
      status: 'pending',
    };
    fake.emit('outbox', { change: 'added', entry });
    expect(store.getState().current).toBe('general');
    expect(fake.joins.length).toBe(2);
    expect(pendingItems(store.getState().views['random']!)).toMatchObject([{ body: 'elsewhere' }]);
    fake.unsent = [entry];
    store.discardUnsent();
    expect(fake.discarded).toEqual(['c-r']);
  });

  it('with a saved user, shows the room before the welcome', () => {
    let fake!: FakeClient;
    const store = new ChatStore({
      url: 'ws://t/ws',
      nick: 'alice',
      session: 's1',
      user: ALICE,
      createClient: (o) => (fake = new FakeClient(o)),
    });
    store.start();
    expect(fake.opts).toMatchObject({ session: 's1', userId: ALICE.id });
    expect(store.getState()).toMatchObject({ user: ALICE, welcomed: false });
    expect(view(store).status).toBe('joining');
    expect(fake.joins.length).toBe(1);
  });

  it('shows the SDK’s unread counts, and places the divider at the watermark on opening', async () => {
    const { store, fake } = await joinedStore(0);
    store.openRoom('random');
    fake.joins[1]!.resolve({ ...info(0), name: 'random' });
    await flush();
    fake.emit('unread', { room: 'general', read: 4, unread: 2, mentions: 1 });
    expect(store.getState().unread['general']).toEqual({ room: 'general', read: 4, unread: 2, mentions: 1 });
    store.openRoom('general');
    expect(view(store).divider).toBe(4);
    store.markRead('general', 6);
    expect(fake.marked).toEqual([['general', 6]]);
    fake.emit('unread', { room: 'general', read: 6, unread: 0, mentions: 0 });
    // The divider stays where it was while the room is open.
    expect(view(store).divider).toBe(4);
    expect(store.getState().unread['general']?.unread).toBe(0);
  });

  it('follows the user log: a room left on another device goes away', async () => {
    const { store, fake } = await joinedStore(0);
    store.openRoom('random');
    fake.joins[1]!.resolve({ ...info(0), name: 'random' });
    await flush();
    fake.emit('user', { seq: 1, kind: 'unmember', room: 'random', cause: 'leave', ts: 1 });
    expect(store.getState().views['random']).toBeUndefined();
    expect(store.getState().current).toBe('general');
  });
  it('keeps a bounded window of the log: far back, live events wait; jumps replace it; latest comes back', async () => {
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));
    const last = () => fake.histories[fake.histories.length - 1]!;
    const { store, fake } = await joinedStore(3000);
    last().d.resolve({ events: range(2951, 3000), more: true });
    await flush();
    // Scrolling up 45 pages: the window stops at WINDOW_MAX, dropping the newest.
    for (let top = 2951; top > 2951 - 45 * 50; top -= 50) {
      void store.loadOlder('general');
      expect(last().q).toEqual({ before: top, limit: 50 });
      last().d.resolve({ events: range(top - 50, top - 1), more: true });
      await flush();
    }
    expect(seqs(store).length).toBe(WINDOW_MAX);
    expect(seqs(store)[0]).toBe(2951 - 45 * 50);
    expect(view(store)).toMatchObject({ hasNewer: true, hasOlder: true });
    // Live events are not added to a window far back; the head moves on.
    const newest = seqs(store)[WINDOW_MAX - 1]!;
    fake.emit('event', ev(3001));
    expect(seqs(store)[WINDOW_MAX - 1]).toBe(newest);
    expect(view(store).info?.head).toBe(3001);
    // Scrolling down loads the page after the window and drops the oldest.
    void store.loadNewer('general');
    expect(last().q).toEqual({ after: newest, limit: 50 });
    last().d.resolve({ events: range(newest + 1, newest + 50), more: true });
    await flush();
    expect(seqs(store).length).toBe(WINDOW_MAX);
    expect(seqs(store)[WINDOW_MAX - 1]).toBe(newest + 50);
    // A jump far back replaces the window with the page around the message.
    const jumped = store.jumpTo('general', 100);
    expect(last().q).toEqual({ before: 125, limit: 50 });
    last().d.resolve({ events: range(75, 124), more: true });
    await expect(jumped).resolves.toBe(true);
    expect(seqs(store)).toEqual(range(75, 124).map((e) => e.seq));
    expect(view(store)).toMatchObject({ hasNewer: true, hasOlder: true });
    // Back to the latest: the window is the last page again and follows live events.
    void store.showLatest('general');
    expect(last().q).toEqual({ before: 3002, limit: 50 });
    last().d.resolve({ events: range(2952, 3001), more: true });
    await flush();
    expect(view(store).hasNewer).toBe(false);
    fake.emit('event', ev(3002));
    expect(seqs(store)).toEqual(range(2952, 3002).map((e) => e.seq));
    store.send('general', 'mine');
    fake.sends[0]!.d.resolve({ id: 'c1', room: 'general', seq: 3003, ts: 1, duplicate: false });
    await flush();
    // Followed live for long, the window keeps its newest WINDOW_MAX events.
    for (let seq = 3003; seq <= 3002 + WINDOW_MAX; seq++) fake.emit('event', ev(seq));
    expect(seqs(store)).toEqual(range(3003, 3002 + WINDOW_MAX).map((e) => e.seq));
    expect(view(store)).toMatchObject({ hasOlder: true, hasNewer: false });
    // Your message, now below the window, is in the log: not shown again as waiting to be sent.
    expect(view(store).outbox.map((o) => o.seq)).toEqual([3003]);
    fake.emit('event', ev(3003 + WINDOW_MAX));
    expect(pendingItems(view(store))).toEqual([]);
  });

  it('drops a page late for a window that moved, and fetches events that arrived during a jump', async () => {
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));
    const { store, fake } = await joinedStore(200);
    fake.histories[0]!.d.resolve({ events: range(151, 200), more: true });
    await flush();
    await Promise.all([
      store.jumpTo('general', 10),
      fake.histories[1]!.d.resolve({ events: range(1, 34), more: false }),
    ]);
    expect(view(store)).toMatchObject({ hasNewer: true, hasOlder: false });
    void store.loadNewer('general');
    expect(fake.histories[2]!.q).toEqual({ after: 34, limit: 50 });
    const jumped = store.jumpTo('general', 190);
    expect(fake.histories[3]!.q).toEqual({ before: 215, limit: 50 });
    // While the jump's page is on its way an event arrives (the page was read before it).
    fake.emit('event', ev(201));
    fake.histories[3]!.d.resolve({ events: range(165, 200), more: true });
    await jumped;
    fake.histories[2]!.d.resolve({ events: range(35, 84), more: true });
    await flush();
    expect(seqs(store)).toEqual(range(165, 200).map((e) => e.seq));
    expect(view(store)).toMatchObject({ hasNewer: true, loadingNewer: false });
    void store.loadNewer('general');
    expect(fake.histories[4]!.q).toEqual({ after: 200, limit: 50 });
    fake.histories[4]!.d.resolve({ events: [ev(201)], more: false });
    await flush();
    expect(view(store).hasNewer).toBe(false);
    expect(seqs(store)).toEqual(range(165, 201).map((e) => e.seq));
  });
});
