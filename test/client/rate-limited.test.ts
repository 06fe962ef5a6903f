/** The SDK honours `retryAfterMs` of a `rate_limited` error and paces writes to `welcome.limits`. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';
import { FakeServer, roomInfo } from './fake-server.ts';
import { makeClient } from './helpers.ts';

let fake: FakeServer;

beforeEach(async () => {
  fake = await FakeServer.start();
});

afterEach(async () => {
  await fake.close();
});

it('waits at least retryAfterMs before resending a rate-limited send, with the same id', async () => {
  const c = makeClient(fake.url, 'limited');
  const conn = await fake.conn(0);
  await conn.welcome();
  void c.join('r');
  const j = await conn.next('join');
  conn.send({ type: 'joined', id: j.id, room: roomInfo('r', 0), from: 0, reset: false });
  const sent = c.send('r', 'slow down');
  const s1 = await conn.next('send');
  const refusedAt = performance.now();
  conn.send({ type: 'error', code: 'rate_limited', message: 'later', id: s1.id, retryable: true, retryAfterMs: 400 });
  const s2 = await conn.next('send');
  expect(performance.now() - refusedAt).toBeGreaterThanOrEqual(380);
  expect(s2.id).toBe(s1.id);
  conn.send({ type: 'ack', id: s2.id, room: 'r', seq: 1, ts: 1, duplicate: false });
  expect((await sent).seq).toBe(1);
});

describe('against a server with tight write limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      defaultLimits: true,
      args: ['--conn-writes-per-sec', '20', '--conn-writes-burst', '5', '--rate-strikes', '3'],
    });
  });
  afterAll(() => server.dispose());

  it('paces a burst of sends to welcome.limits: all acked in order, none refused, the connection kept', async () => {
    const c = makeClient(server.wsUrl, 'pacer');
    await c.join('general');
    const errors: string[] = [];
    c.on('state', ({ state }) => {
      if (state !== 'connected') errors.push(state);
    });
    const started = Date.now();
    const acks = await Promise.all(Array.from({ length: 30 }, (_, i) => c.send('general', `m${i}`)));
    const seqs = acks.map((a) => a.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    // The SDK paces a little under the limit: 3 at once, then 18 a second for the other 27.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(errors).toEqual([]);
  });
});
