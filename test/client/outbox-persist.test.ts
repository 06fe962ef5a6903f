/** Against a scripted server: a write reaches the socket only after its OutboxStore put resolved. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxStore, StoredOutboxEntry } from '../../src/client/index.ts';
import { FakeServer, roomInfo } from './fake-server.ts';
import { makeClient, waitUntil } from './helpers.ts';

let fake: FakeServer;

beforeEach(async () => {
  fake = await FakeServer.start();
});

afterEach(async () => {
  await fake.close();
});

/** A store whose puts complete only when the test says so. */
class GatedStore implements OutboxStore {
  readonly puts: { entry: StoredOutboxEntry; release: () => void }[] = [];
  readonly deleted: string[] = [];
  load(): Promise<StoredOutboxEntry[]> {
    return Promise.resolve([]);
  }
  put(entry: StoredOutboxEntry): Promise<void> {
    return new Promise((release) => this.puts.push({ entry, release }));
  }
  delete(id: string): void {
    this.deleted.push(id);
  }
}

describe('outbox persistence', () => {
  it('stores a write before it is written, and deletes it on the ack', async () => {
    const store = new GatedStore();
    const c = makeClient(fake.url, 'pat', { outbox: store });
    const conn = await fake.conn(0);
    await conn.welcome();
    const joined = c.join('r');
    const join = await conn.next('join');
    conn.send({ type: 'joined', id: join.id, room: roomInfo('r', 0), from: 0, reset: false });
    await joined;

    const sent = c.send('r', 'durable first');
    await waitUntil(() => store.puts.length === 1, { what: 'the put' });
    expect(store.puts[0]?.entry).toMatchObject({ user: 'u-pat', frame: { type: 'send', body: 'durable first' } });
    // A round trip: had the send been written, it would have arrived before this request.
    const page = c.history('r');
    const h = await conn.next('history');
    conn.send({ type: 'history', id: h.id, room: 'r', events: [], more: false, head: 0 });
    await page;
    expect(conn.received.some((f) => f.type === 'send')).toBe(false);

    store.puts[0]?.release();
    const frame = await conn.next('send');
    expect(frame.id).toBe(store.puts[0]?.entry.frame.id);
    conn.send({ type: 'ack', id: frame.id, room: 'r', seq: 1, ts: 1, duplicate: false });
    expect((await sent).seq).toBe(1);
    expect(store.deleted).toEqual([frame.id]);
  });
});
