/** The SDK against a scripted server: gaps, resets, silence, missing answers, retryable errors. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeServer, roomEvent, roomInfo } from './fake-server.ts';
import { inState, makeClient, next, range, seqs, waitUntil } from './helpers.ts';

let fake: FakeServer;

beforeEach(async () => {
  fake = await FakeServer.start();
});

afterEach(async () => {
  await fake.close();
});

describe('scripted server', () => {
  it('fills a gap with history, page by page, and delivers everything once in order', async () => {
    const c = makeClient(fake.url, 'gap');
    const conn = await fake.conn(0);
    await conn.welcome();
    const joined = c.join('r');
    const join = await conn.next('join');
    expect(join).toEqual({ type: 'join', id: join.id, room: 'r' }); // first join: no after/epoch
    conn.send({ type: 'joined', id: join.id, room: roomInfo('r', 2), from: 2, reset: false });
    await joined;
    expect(c.lastSeq('r')).toBe(2);

    for (const seq of [3, 6, 7]) conn.send({ type: 'event', ...roomEvent('r', seq) });
    const h1 = await conn.next('history');
    expect(h1).toMatchObject({ room: 'r', after: 3 });
    expect(seqs(c.seen.room('r'))).toEqual([3]); // 6 and 7 wait for the gap
    conn.send({ type: 'history', id: h1.id, room: 'r', events: [roomEvent('r', 4)], more: true, head: 8 });
    const h2 = await conn.next('history');
    expect(h2).toMatchObject({ after: 4 });
    conn.send({ type: 'event', ...roomEvent('r', 8) }); // live while filling
    conn.send({
      type: 'history',
      id: h2.id,
      room: 'r',
      events: [roomEvent('r', 5), roomEvent('r', 6)],
      more: false,
      head: 8,
    });
    await waitUntil(() => c.lastSeq('r') === 8, { what: 'gap filled' });
    conn.send({ type: 'event', ...roomEvent('r', 7) }); // a late duplicate
    conn.send({ type: 'event', ...roomEvent('r', 9) });
    await waitUntil(() => c.lastSeq('r') === 9, { what: 'seq 9' });
    expect(seqs(c.seen.room('r'))).toEqual(range(3, 9));
    expect(c.seen.room('r')[0]).toEqual(roomEvent('r', 3)); // no `type` leaks into RoomEvent
  });

  it('resumes with after/epoch, and surfaces an epoch reset', async () => {
    const c = makeClient(fake.url, 'ep');
    const first = await fake.conn(0);
    await first.welcome();
    void c.join('r');
    const j1 = await first.next('join');
    first.send({ type: 'joined', id: j1.id, room: roomInfo('r', 0), from: 0, reset: false });
    first.send({ type: 'event', ...roomEvent('r', 1) });
    await waitUntil(() => c.lastSeq('r') === 1, { what: 'seq 1' });

    first.ws.terminate();
    const second = await fake.conn(1);
    await second.welcome();
    expect(second.received[0]).toMatchObject({ type: 'hello', session: 'sess-1' }); // from the first welcome
    const j2 = await second.next('join');
    expect(j2).toMatchObject({ room: 'r', after: 1, epoch: 'ep1' });
    const reset = next(c, 'reset');
    second.send({ type: 'joined', id: j2.id, room: roomInfo('r', 40, 'ep2'), from: 40, reset: true });
    expect(await reset).toEqual({ room: 'r', room_info: roomInfo('r', 40, 'ep2') });
    expect(c.lastSeq('r')).toBe(40);
    second.send({ type: 'event', ...roomEvent('r', 41) });
    await waitUntil(() => c.lastSeq('r') === 41, { what: 'seq 41' });
    expect(seqs(c.seen.room('r'))).toEqual([1, 41]);
  });

  it('pings when quiet and reconnects when the server stays silent', async () => {
    const c = makeClient(fake.url, 'quiet', { heartbeatSlackMs: 200 });
    const conn = await fake.conn(0);
    await conn.welcome(200);
    await inState(c, 'connected');
    await conn.next('ping');
    const dropped = await next(c, 'state', (s) => s.state === 'reconnecting');
    expect(dropped).toMatchObject({ code: 4000, reason: 'heartbeat timeout' });
    await fake.conn(1);
  });

  it('a pong keeps a quiet connection alive', async () => {
    const c = makeClient(fake.url, 'pong', { heartbeatSlackMs: 300 });
    const conn = await fake.conn(0);
    await conn.welcome(150);
    for (let i = 0; i < 4; i++) {
      await conn.next('ping');
      conn.send({ type: 'pong', ts: Date.now() });
    }
    expect(c.state).toBe('connected');
    expect(fake.connections.length).toBe(1);
  });

  it('reconnects when no welcome comes', async () => {
    const c = makeClient(fake.url, 'shy', { requestTimeoutMs: 200 });
    await (await fake.conn(0)).next('hello');
    const dropped = await next(c, 'state', (s) => s.state === 'reconnecting');
    expect(dropped).toMatchObject({ prev: 'connecting', code: 4003 });
    await (await fake.conn(1)).next('hello');
  });

  it('a request without an answer times out while connected; the connection stays', async () => {
    const c = makeClient(fake.url, 'slow', { requestTimeoutMs: 200 });
    const conn = await fake.conn(0);
    await conn.welcome();
    await expect(c.rooms()).rejects.toMatchObject({ code: 'timeout', retryable: true });
    expect(c.state).toBe('connected');
    // A late answer is ignored.
    const req = await conn.next('rooms');
    conn.send({ type: 'rooms', id: req.id, rooms: [] });
    const again = c.rooms();
    const req2 = await conn.next('rooms');
    conn.send({ type: 'rooms', id: req2.id, rooms: [roomInfo('x', 0)] });
    expect(await again).toEqual([roomInfo('x', 0)]);
  });

  it('an unacknowledged send is resent with the same id on a new connection', async () => {
    const c = makeClient(fake.url, 'resend', { requestTimeoutMs: 300 });
    const first = await fake.conn(0);
    await first.welcome();
    void c.join('r');
    const j1 = await first.next('join');
    first.send({ type: 'joined', id: j1.id, room: roomInfo('r', 0), from: 0, reset: false });
    const sent = c.send('r', 'hello');
    const s1 = await first.next('send');
    // No ack: the client gives up on this connection and resends after re-joining.
    const second = await fake.conn(1);
    await second.welcome();
    const j2 = await second.next('join');
    second.send({ type: 'joined', id: j2.id, room: roomInfo('r', 1), from: 0, reset: false });
    const s2 = await second.next('send');
    expect(s2).toEqual(s1);
    second.send({ type: 'ack', id: s2.id, room: 'r', seq: 1, ts: 5, duplicate: true });
    expect(await sent).toEqual({ id: s1.id, room: 'r', seq: 1, ts: 5, duplicate: true });
  });

  it('sends wait for the re-join, then go out in their original order', async () => {
    const c = makeClient(fake.url, 'order');
    const first = await fake.conn(0);
    await first.welcome();
    void c.join('r');
    const j1 = await first.next('join');
    first.send({ type: 'joined', id: j1.id, room: roomInfo('r', 0), from: 0, reset: false });
    const a = c.send('r', 'a');
    const sa = await first.next('send');
    first.ws.terminate();
    await inState(c, 'reconnecting');
    const b = c.send('r', 'b');
    const second = await fake.conn(1);
    await second.welcome();
    const j2 = await second.next('join');
    // Nothing but the user-log sync before the join answer.
    expect(second.received.map((f) => f.type)).toEqual(['hello', 'sync', 'join']);
    second.send({ type: 'joined', id: j2.id, room: roomInfo('r', 0), from: 0, reset: false });
    const r1 = await second.next('send');
    const r2 = await second.next('send');
    expect([r1.id, r1.body, r2.body]).toEqual([sa.id, 'a', 'b']);
    second.send({ type: 'ack', id: r2.id, room: 'r', seq: 2, ts: 2, duplicate: false });
    second.send({ type: 'ack', id: r1.id, room: 'r', seq: 1, ts: 1, duplicate: false });
    expect((await a).seq).toBe(1);
    expect((await b).seq).toBe(2);
  });

  it('retries a send after a retryable error and rejects on a final one', async () => {
    const c = makeClient(fake.url, 'retry');
    const conn = await fake.conn(0);
    await conn.welcome();
    void c.join('r');
    const j = await conn.next('join');
    conn.send({ type: 'joined', id: j.id, room: roomInfo('r', 0), from: 0, reset: false });
    const ok = c.send('r', 'flaky');
    const s1 = await conn.next('send');
    conn.send({ type: 'error', code: 'internal', message: 'boom', id: s1.id, retryable: true });
    const s2 = await conn.next('send');
    expect(s2.id).toBe(s1.id);
    conn.send({ type: 'ack', id: s2.id, room: 'r', seq: 1, ts: 1, duplicate: false });
    expect((await ok).seq).toBe(1);

    const bad = c.send('r', 'x'.repeat(10));
    const s3 = await conn.next('send');
    conn.send({ type: 'error', code: 'body_too_long', message: 'too long', id: s3.id, retryable: false });
    await expect(bad).rejects.toMatchObject({ code: 'body_too_long', id: s3.id, retryable: false });
  });

  it('leave forgets the room: not re-joined, its queued sends fail', async () => {
    const c = makeClient(fake.url, 'leaver');
    const first = await fake.conn(0);
    await first.welcome();
    void c.join('r');
    void c.join('s');
    const ja = await first.next('join');
    const jb = await first.next('join');
    first.send({ type: 'joined', id: ja.id, room: roomInfo('r', 0), from: 0, reset: false });
    first.send({ type: 'joined', id: jb.id, room: roomInfo('s', 0), from: 0, reset: false });
    await waitUntil(() => c.lastSeq('s') === 0, { what: 'joined s' });
    first.ws.terminate();
    await inState(c, 'reconnecting');
    const queued = c.send('s', 'never');
    const left = c.leave('s');
    await expect(queued).rejects.toMatchObject({ code: 'not_member' });
    expect(c.lastSeq('s')).toBeUndefined();
    const second = await fake.conn(1);
    await second.welcome();
    const rejoin = await second.next('join');
    expect(rejoin.room).toBe('r');
    const leave = await second.next('leave');
    expect(leave.room).toBe('s');
    second.send({ type: 'left', id: leave.id, room: 's' });
    await left;
    expect(second.received.filter((f) => f.type === 'join').length).toBe(1);
  });

  it('close() leaves no timers, sockets or listeners behind', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const c = makeClient(fake.url, 'tidy', { heartbeatSlackMs: 1_000 });
    const conn = await fake.conn(0);
    await conn.welcome(1_000);
    void c.join('r');
    const j = await conn.next('join');
    conn.send({ type: 'joined', id: j.id, room: roomInfo('r', 0), from: 0, reset: false });
    const pendingSend = c.send('r', 'x');
    await conn.next('send');
    const pendingRooms = c.rooms();
    expect(timers()).toBeGreaterThan(before);
    c.close();
    await expect(pendingSend).rejects.toMatchObject({ code: 'closed' });
    await expect(pendingRooms).rejects.toMatchObject({ code: 'closed' });
    await waitUntil(() => conn.ws.readyState === conn.ws.CLOSED, { what: 'socket closed' });
    expect(timers()).toBeLessThanOrEqual(before);
    expect(fake.connections.length).toBe(1);
    expect(c.seen.states.at(-1)).toMatchObject({ state: 'closed', prev: 'connected' });
  });

  it('reconnects at once on the browser online event, and unhooks on close', async () => {
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    const g = globalThis as { window?: unknown; document?: unknown };
    g.window = win;
    g.document = doc;
    try {
      const c = makeClient(fake.url, 'browser', { backoff: { minMs: 60_000, maxMs: 60_000 } });
      const first = await fake.conn(0);
      await first.welcome();
      await inState(c, 'connected');
      first.ws.terminate();
      await inState(c, 'reconnecting');
      doc.dispatchEvent(new Event('visibilitychange')); // still hidden: nothing
      win.dispatchEvent(new Event('online'));
      await (await fake.conn(1)).welcome();
      await inState(c, 'connected');
      fake.connections[1]?.ws.terminate();
      await inState(c, 'reconnecting');
      doc.visibilityState = 'visible';
      doc.dispatchEvent(new Event('visibilitychange'));
      await (await fake.conn(2)).welcome();
      await inState(c, 'connected');
      c.close();
      win.dispatchEvent(new Event('online'));
      expect(c.state).toBe('closed');
      expect(fake.connections.length).toBe(3);
    } finally {
      delete g.window;
      delete g.document;
    }
  });
});
