/**
 * The SDK's user log, read watermarks, unread counts and receipts: against the real server for
 * what it does end to end, and a scripted server for gaps and resends a real one never shows.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserEvent } from '../../src/client/index.ts';
import { READ_DEBOUNCE_MS } from '../../src/client/read-state.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { FakeServer, roomEvent, roomInfo } from './fake-server.ts';
import { inState, makeClient, next, roomName, waitUntil } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

/** Records the user events a client delivers. */
function userLog(c: ReturnType<typeof makeClient>): UserEvent[] {
  const out: UserEvent[] = [];
  c.on('user', (e) => out.push(e));
  return out;
}

describe('read state against a real server', () => {
  it('counts unread and mentions live, and a read on one device clears every device', async () => {
    const ann = makeClient(server.wsUrl, 'ann');
    const bob1 = makeClient(server.wsUrl, 'bob');
    await inState(ann, 'connected');
    await inState(bob1, 'connected');
    const bob2 = makeClient(server.wsUrl, 'bob', { session: bob1.session, userId: bob1.user?.id });
    await inState(bob2, 'connected');
    expect(bob2.user).toEqual(bob1.user);
    const room = roomName('reads');
    await ann.createRoom(room);
    await ann.join(room);
    await bob1.join(room);
    await bob2.join(room);
    expect(bob1.unread(room)).toMatchObject({ unread: 0, mentions: 0 });

    await ann.send(room, 'hello @bob');
    const { seq } = await ann.send(room, 'plain');
    await ann.react(room, seq, '👀'); // not a message: no count
    for (const b of [bob1, bob2]) {
      await waitUntil(() => b.unread(room)?.unread === 2, { what: 'two unread' });
      expect(b.unread(room)).toMatchObject({ unread: 2, mentions: 1 });
    }

    const receipt = next(
      ann,
      'receipt',
      (r) => r.room === room && r.receipts.some((x) => x.user.id === bob1.user?.id && x.seq >= seq),
    );
    const cleared = next(bob2, 'unread', (u) => u.room === room && u.unread === 0);
    const moved = next(bob2, 'read', (r) => r.room === room && r.seq === seq + 1);
    bob1.markRead(room, seq + 1);
    // Shown at once on the device that read…
    expect(bob1.unread(room)).toMatchObject({ read: seq + 1, unread: 0, mentions: 0 });
    // …and on the other one through the user log; the room hears of it as a receipt.
    await cleared;
    await moved;
    await receipt;
    expect(ann.receipts(room).find((r) => r.user.id === bob1.user?.id)?.seq).toBe(seq + 1);
  });

  it('after a reload: counts come with rooms(), and the user log resumes from userSeq', async () => {
    const ann = makeClient(server.wsUrl, 'ann2');
    const cy = makeClient(server.wsUrl, 'cy');
    await inState(ann, 'connected');
    await inState(cy, 'connected');
    const log = userLog(cy);
    const room = roomName('reload');
    await ann.createRoom(room);
    await ann.join(room);
    await cy.join(room);
    await waitUntil(() => log.length === 1, { what: 'the member event' });
    expect(log[0]).toMatchObject({ kind: 'member', room, cause: 'join' });
    const userSeq = cy.userSeq;
    const session = cy.session;
    const id = cy.user?.id;
    cy.close();

    // While cy is away: three messages (one mentions cy), an invite to a private room.
    await ann.send(room, 'one');
    await ann.send(room, 'two @cy');
    await ann.send(room, 'three');
    const secret = roomName('secret');
    await ann.createRoom(secret, undefined, { visibility: 'private' });
    await ann.join(secret);
    await ann.invite(secret, id as string);

    const back = makeClient(server.wsUrl, 'cy', { session, userId: id, userSeq });
    const missed = userLog(back);
    await inState(back, 'connected');
    await waitUntil(() => missed.length === 1, { what: 'the missed invite' });
    expect(missed).toMatchObject([
      { kind: 'member', room: secret, cause: 'invite', by: { id: ann.user?.id, nick: ann.user?.nick } },
    ]);
    expect(missed[0]?.seq).toBe((userSeq as number) + 1);
    await back.rooms();
    expect(back.unread(room)).toMatchObject({ unread: 3, mentions: 1 });
    expect(back.unread(secret)).toMatchObject({ unread: 0 });
    // Without joining, a read elsewhere still clears it here.
    const other = makeClient(server.wsUrl, 'cy', { session, userId: id });
    await inState(other, 'connected');
    await other.join(room);
    other.markRead(room, back.unread(room)!.read + 3);
    await waitUntil(() => back.unread(room)?.unread === 0, { what: 'cleared from the other device' });
  });
});

describe('read state against a scripted server', () => {
  let fake: FakeServer;

  afterEach(async () => {
    await fake?.close();
  });

  const user = (seq: number, extra: Partial<UserEvent> = {}): UserEvent => ({
    seq,
    kind: 'read',
    room: 'r',
    read: seq,
    ts: seq,
    ...extra,
  });

  it('fills a gap in the user log by syncing again, delivering each entry once, in order', async () => {
    fake = await FakeServer.start();
    const c = makeClient(fake.url, 'gap');
    const log = userLog(c);
    const conn = await fake.conn(0);
    await conn.welcome();
    const first = await conn.next('sync');
    expect(first.after).toBeUndefined();
    conn.send({ type: 'synced', id: first.id, from: 4, head: 4, reset: false });
    conn.send({ type: 'user', ...user(5) });
    conn.send({ type: 'user', ...user(7) }); // 6 was lost on the way
    const again = await conn.next('sync');
    expect(again.after).toBe(5);
    conn.send({ type: 'synced', id: again.id, from: 5, head: 7, reset: false });
    for (const seq of [6, 7, 5]) conn.send({ type: 'user', ...user(seq) });
    conn.send({ type: 'user', ...user(8) });
    await waitUntil(() => log.length === 4, { what: 'four entries' });
    expect(log.map((e) => e.seq)).toEqual([5, 6, 7, 8]);
    expect(c.userSeq).toBe(8);
  });

  it('sends markRead debounced, and again after a reconnect until the server has it', async () => {
    fake = await FakeServer.start();
    const c = makeClient(fake.url, 'marker');
    const conn = await fake.conn(0);
    await conn.welcome();
    const sync = await conn.next('sync');
    conn.send({ type: 'synced', id: sync.id, from: 0, head: 0, reset: false });
    const join = c.join('r');
    const j = await conn.next('join');
    conn.send({
      type: 'joined',
      id: j.id,
      room: roomInfo('r', 10),
      from: 10,
      reset: false,
      unread: { room: 'r', read: 4, unread: 3, mentions: 1, at: 10 },
      receipts: [],
    });
    await join;
    expect(c.unread('r')).toEqual({ room: 'r', read: 4, unread: 3, mentions: 1 });
    const started = Date.now();
    for (let seq = 5; seq <= 10; seq++) c.markRead('r', seq);
    c.markRead('r', 7); // older: ignored
    expect(c.unread('r')).toMatchObject({ read: 10, unread: 0, mentions: 0 });
    const read = await conn.next('read');
    expect(Date.now() - started).toBeGreaterThanOrEqual(READ_DEBOUNCE_MS - 50);
    expect(read).toMatchObject({ room: 'r', seq: 10 });

    // Dropped before the server confirmed it: the new connection gets it again.
    conn.ws.terminate();
    const conn2 = await fake.conn(1);
    await conn2.welcome();
    const sync2 = await conn2.next('sync');
    conn2.send({ type: 'synced', id: sync2.id, from: 0, head: 1, reset: false });
    expect(await conn2.next('read')).toMatchObject({ room: 'r', seq: 10 });
    conn2.send({ type: 'user', ...user(1, { room: 'r', read: 10 }) });
    const rejoin = await conn2.next('join');
    conn2.send({ type: 'joined', id: rejoin.id, room: roomInfo('r', 11), from: 10, reset: false });
    // A message after the watermark counts; one mentioning us counts twice over.
    conn2.send({ type: 'event', ...roomEvent('r', 11, { body: 'hey @marker' }) });
    await waitUntil(() => c.unread('r')?.unread === 1, { what: 'a live unread' });
    expect(c.unread('r')).toMatchObject({ unread: 1, mentions: 1 });
    expect(conn2.received.filter((f) => f.type === 'read')).toHaveLength(1);
  });

  it('asks the server again when a read lands inside what the server counted', async () => {
    fake = await FakeServer.start();
    const c = makeClient(fake.url, 'partial');
    const conn = await fake.conn(0);
    await conn.welcome();
    const sync = await conn.next('sync');
    conn.send({ type: 'synced', id: sync.id, from: 0, head: 0, reset: false });
    const join = c.join('r');
    const j = await conn.next('join');
    conn.send({
      type: 'joined',
      id: j.id,
      room: roomInfo('r', 100),
      from: 100,
      reset: false,
      unread: { room: 'r', read: 0, unread: 80, mentions: 2, at: 100 },
    });
    await join;
    // Another device read half of it: only the server knows how many are left.
    conn.send({ type: 'user', ...user(1, { room: 'r', read: 50 }) });
    const ask = await conn.next('unread');
    expect(ask.room).toBe('r');
    conn.send({ type: 'unread', id: ask.id, counts: [{ room: 'r', read: 50, unread: 40, mentions: 1, at: 100 }] });
    await waitUntil(() => c.unread('r')?.unread === 40, { what: 'the refreshed counts' });
    expect(c.unread('r')).toEqual({ room: 'r', read: 50, unread: 40, mentions: 1 });
  });
});
