/**
 * The outbox across client instances, as across a page reload: a second client on the same
 * session and the same OutboxStore resends what the first left unacknowledged — once, in
 * order, only as the same user, and only to rooms it joins.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryOutboxStore, type OutboxChange, type StoredOutboxEntry } from '../../src/client/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, next, roomName, waitUntil } from './helpers.ts';
import { storedLog, written } from './stored-log.ts';

let server: TestServer;

beforeEach(async () => {
  server = await startServer({ args: ['--shutdown-spread-ms', '100'] });
});

afterEach(async () => {
  await server?.dispose();
});

/** A connected client with a room, and its identity, for a later instance to take over. */
async function firstLife(nick: string, store: MemoryOutboxStore) {
  const c = makeClient(server.wsUrl, nick, { outbox: store });
  const name = roomName();
  await c.createRoom(name);
  await c.join(name);
  const user = c.user!;
  const session = c.session!;
  return { c, name, user, session };
}

describe('outbox restored by a new client', () => {
  it('resends what the first client left, before its own writes, and stores it once', async () => {
    const store = new MemoryOutboxStore();
    const { c, name, user, session } = await firstLife('iris', store);
    const kept = await c.send(name, 'acked in the first life');
    expect(store.size).toBe(0); // deleted on the ack

    await server.stop();
    await inState(c, 'reconnecting');
    const lost = c.send(name, 'typed while the server was down');
    expect(store.size).toBe(1); // stored before any write
    c.close(); // the page goes away
    await expect(lost).rejects.toMatchObject({ code: 'closed' });
    expect(store.load()).toMatchObject([{ frame: { type: 'send', body: 'typed while the server was down' } }]);
    await server.restart();

    const d = makeClient(server.wsUrl, 'iris', { session, userId: user.id, outbox: store });
    const changes: OutboxChange[] = [];
    d.on('outbox', (o) => changes.push(o));
    const restoredAck = next(d, 'outbox', (o) => o.change === 'acked' && o.entry.restored);
    // Made before the stored entries have loaded: still goes after them.
    const own = d.send(name, 'typed after the reload');
    await d.join(name);
    const ack = await restoredAck;
    expect((await own).seq).toBeGreaterThan(ack.change === 'acked' ? ack.result.seq : Infinity);
    expect(d.user).toEqual(user);

    expect(changes.find((o) => o.entry.restored)).toMatchObject({
      change: 'added',
      entry: { restored: true, status: 'pending', frame: { body: 'typed while the server was down' } },
    });
    expect(d.pending()).toEqual([]);
    expect(store.size).toBe(0);
    const log = written(await storedLog(server.wsUrl, name));
    expect(log.map((e) => e.body)).toEqual([
      'acked in the first life',
      'typed while the server was down',
      'typed after the reload',
    ]);
    expect(log[0]?.cid).toBe(kept.id);
  });

  it('a write the server stored but never acked is acked as a duplicate, not stored twice', async () => {
    const store = new MemoryOutboxStore();
    const { c, name, user, session } = await firstLife('jude', store);
    c.close();
    // As if the first client wrote it and the page went away before the ack came back.
    const entry: StoredOutboxEntry = {
      frame: { type: 'send', id: 'lost-ack-1', room: name, kind: 'text', body: 'once' },
      user: user.id,
      createdAt: Date.now(),
    };
    store.put(entry);
    const raw = await RawClient.connect(server.wsUrl, 'jude', session);
    await raw.request('joined', { type: 'join', id: 'j1', room: name });
    await raw.request('ack', { ...entry.frame });
    raw.close();

    const d = makeClient(server.wsUrl, 'jude', { session, userId: user.id, outbox: store });
    const acked = next(d, 'outbox', (o) => o.change === 'acked');
    await d.join(name);
    const change = await acked;
    expect(change).toMatchObject({ change: 'acked', result: { id: 'lost-ack-1', duplicate: true } });
    const log = written(await storedLog(server.wsUrl, name));
    expect(log.filter((e) => e.cid === 'lost-ack-1').map((e) => e.body)).toEqual(['once']);
    expect(store.size).toBe(0);
  });

  it('never resends as a different user: entries of a lost session fail with user_changed', async () => {
    const store = new MemoryOutboxStore();
    const { c, name, user } = await firstLife('kit', store);
    c.close();
    store.put({
      frame: { type: 'send', id: 'old-user-1', room: name, kind: 'text', body: 'as kit' },
      user: user.id,
      createdAt: Date.now(),
    });
    // No session (the old one was lost): the server makes a new guest. Another nick, since the
    // server may still hold 'kit' for the first client until it notices the close.
    const d = makeClient(server.wsUrl, 'kit2', { outbox: store });
    const failed = await next(d, 'outbox', (o) => o.change === 'failed');
    expect(d.user?.id).not.toBe(user.id);
    expect(failed).toMatchObject({
      change: 'failed',
      entry: { id: 'old-user-1', restored: true, status: 'failed' },
      error: { code: 'user_changed', retryable: false },
    });
    await d.join(name);
    await d.send(name, 'as the new kit');
    const log = written(await storedLog(server.wsUrl, name));
    expect(log.map((e) => e.body)).toEqual(['as the new kit']);
    expect(store.size).toBe(0);
  });

  it('entries for a room the new client has not joined wait for that join', async () => {
    const store = new MemoryOutboxStore();
    const { c, name, user, session } = await firstLife('lou', store);
    const other = roomName();
    await c.createRoom(other);
    await c.join(other);
    await server.stop();
    await inState(c, 'reconnecting');
    void c.send(name, 'to the first room').catch(() => undefined);
    void c.send(other, 'to the other room').catch(() => undefined);
    c.close();
    await server.restart();

    const d = makeClient(server.wsUrl, 'lou', { session, userId: user.id, outbox: store });
    const acks: string[] = [];
    d.on('outbox', (o) => {
      if (o.change === 'acked') acks.push(o.entry.room);
    });
    await d.join(name);
    await waitUntil(() => acks.length === 1, { what: 'the first room’s entry acked' });
    // A sync point: a round trip after the join, so anything written for `other` would be answered.
    await d.history(name);
    expect(acks).toEqual([name]);
    expect(d.pending()).toMatchObject([{ room: other, restored: true, status: 'pending' }]);
    expect(store.load().map((e) => e.frame.room)).toEqual([other]);

    await d.join(other);
    await waitUntil(() => acks.length === 2, { what: 'the other room’s entry acked' });
    expect(written(await storedLog(server.wsUrl, other)).map((e) => e.body)).toEqual(['to the other room']);
    expect(store.size).toBe(0);
  });

  it('discard() forgets a restored entry, in storage too', async () => {
    const store = new MemoryOutboxStore();
    store.put({
      frame: { type: 'react', id: 'r-1', room: 'nowhere', ref: 1, emoji: '👍', on: true },
      createdAt: Date.now(),
    });
    const d = makeClient(server.wsUrl, 'max', { outbox: store, autoConnect: false });
    const added = await next(d, 'outbox', (o) => o.change === 'added');
    expect(added.entry).toMatchObject({ id: 'r-1', restored: true, frame: { type: 'react', emoji: '👍' } });
    expect(d.pending().map((p) => p.id)).toEqual(['r-1']);
    const discarded = next(d, 'outbox', (o) => o.change === 'discarded');
    expect(d.discard('r-1')).toBe(true);
    await discarded;
    expect(d.discard('r-1')).toBe(false);
    expect(d.pending()).toEqual([]);
    expect(store.size).toBe(0);
  });
});
