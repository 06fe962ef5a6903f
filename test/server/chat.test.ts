/** The server over real sockets: ordering, idempotency, resume, identity and restarts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

let server: TestServer;
const clients: RawClient[] = [];
let nickCounter = 0;

async function connect(nick = `user${++nickCounter}`, session?: string) {
  const c = await RawClient.connect(server.wsUrl, nick, session);
  clients.push(c);
  return c;
}

async function joined(nick?: string, room = 'general') {
  const c = await connect(nick);
  const j = await c.request('joined', { type: 'join', id: `j-${room}`, room });
  return Object.assign(c, { joinedFrame: j });
}

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server.dispose();
});

describe('rooms and messages', () => {
  it('two clients in a room see each other’s messages in the same order', async () => {
    await connect().then((c) => c.request('room', { type: 'create', id: 'c1', room: 'order', title: 'Order test' }));
    const a = await joined(undefined, 'order');
    const b = await joined(undefined, 'order');
    for (let i = 0; i < 20; i++) {
      a.sendJson({ type: 'send', id: `a${i}`, room: 'order', kind: 'text', body: `from a ${i}` });
      b.sendJson({ type: 'send', id: `b${i}`, room: 'order', kind: 'text', body: `from b ${i}` });
    }
    await waitUntil(() => a.texts('order').length === 40 && b.texts('order').length === 40, { what: '40 events' });
    const bodies = (c: RawClient) =>
      c.frames.flatMap((f) => (f.type === 'event' && f.kind === 'text' ? [`${f.seq}:${f.body}`] : []));
    expect(bodies(a)).toEqual(bodies(b));
    // Seqs 1 and 2 are a's and b's membership events; the messages follow without a gap.
    expect(a.texts('order')).toEqual(Array.from({ length: 40 }, (_, i) => i + 3));
    expect(a.events('order')).toEqual(Array.from({ length: 41 }, (_, i) => i + 2));
    // Each client's own messages keep the order it sent them in.
    const own = bodies(a).filter((s) => s.includes('from a'));
    expect(own.map((s) => s.split(':')[1])).toEqual(Array.from({ length: 20 }, (_, i) => `from a ${i}`));
  });

  it('acks after commit with the assigned seq, and a resend with the same id is stored once', async () => {
    await connect().then((c) => c.request('room', { type: 'create', id: 'c2', room: 'idem' }));
    const a = await joined(undefined, 'idem');
    const first = await a.request('ack', { type: 'send', id: 'same-id', room: 'idem', kind: 'text', body: 'hello' });
    const again = await a.request('ack', { type: 'send', id: 'same-id', room: 'idem', kind: 'text', body: 'hello' });
    expect(first).toMatchObject({ seq: 2, duplicate: false });
    expect(again).toMatchObject({ seq: 2, duplicate: true, ts: first.ts });
    const page = await a.request('history', { type: 'history', id: 'h', room: 'idem' });
    expect(page.events.map((e) => [e.kind, e.body])).toEqual([
      ['join', ''],
      ['text', 'hello'],
    ]);
    await expect(
      a.request('ack', { type: 'send', id: 'same-id', room: 'idem', kind: 'text', body: 'different' }),
    ).rejects.toMatchObject({ frame: { code: 'id_conflict', id: 'same-id' } });
  });

  it('attaches the sender itself: a forged sender is ignored', async () => {
    const a = await joined('honest');
    a.sendJson({
      type: 'send',
      id: 'forge',
      room: 'general',
      kind: 'text',
      body: 'I am admin',
      sender: { id: 'admin', nick: 'admin' },
    });
    const ev = await a.next('event', (e) => e.cid === 'forge');
    // Stored events carry {id, nick}; the welcome marks a guest (UserRef `guest`).
    expect(ev.sender).toEqual({ id: a.welcome.user.id, nick: a.welcome.user.nick });
    expect(ev.sender.nick).toBe('honest');
  });

  it('refuses sends to rooms not joined, unknown rooms, empty and too long bodies', async () => {
    const a = await joined();
    const send = (id: string, room: string, body: string) =>
      a.request('ack', { type: 'send', id, room, kind: 'text', body });
    await expect(send('x1', 'nowhere', 'hi')).rejects.toMatchObject({ frame: { code: 'not_member' } });
    await expect(send('x2', 'general', '   ')).rejects.toMatchObject({ frame: { code: 'body_empty' } });
    await expect(send('x3', 'general', 'x'.repeat(4001))).rejects.toMatchObject({ frame: { code: 'body_too_long' } });
    await expect(a.request('joined', { type: 'join', id: 'x4', room: 'nowhere' })).rejects.toMatchObject({
      frame: { code: 'room_not_found', retryable: false },
    });
    await expect(a.request('room', { type: 'create', id: 'x5', room: 'general' })).rejects.toMatchObject({
      frame: { code: 'room_exists' },
    });
  });

  it('lists rooms and pages history by seq in both directions', async () => {
    await connect().then((c) => c.request('room', { type: 'create', id: 'c3', room: 'pages' }));
    const a = await joined(undefined, 'pages');
    for (let i = 1; i <= 25; i++) a.sendJson({ type: 'send', id: `p${i}`, room: 'pages', kind: 'text', body: `m${i}` });
    await a.next('ack', (f) => f.id === 'p25');
    // Seq 1 is a's join; m1..m25 are seqs 2..26.
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const latest = await a.request('history', { type: 'history', id: 'h1', room: 'pages', limit: 10 });
    expect(latest.events.map((e) => e.seq)).toEqual(range(17, 26));
    expect(latest.more).toBe(true);
    const older = await a.request('history', { type: 'history', id: 'h2', room: 'pages', before: 17, limit: 10 });
    expect(older.events.map((e) => e.seq)).toEqual(range(7, 16));
    const oldest = await a.request('history', { type: 'history', id: 'h3', room: 'pages', before: 7, limit: 10 });
    expect(oldest).toMatchObject({ more: false });
    expect(oldest.events.map((e) => e.seq)).toEqual(range(1, 6));
    const forward = await a.request('history', { type: 'history', id: 'h4', room: 'pages', after: 21, limit: 10 });
    expect(forward.events.map((e) => e.seq)).toEqual(range(22, 26));
    expect(forward.more).toBe(false);
    const list = await a.request('rooms', { type: 'rooms', id: 'r' });
    expect(list.rooms.find((r) => r.name === 'pages')).toMatchObject({ head: 26 });
    expect(older.head).toBe(26);
    const rest = (await (await fetch(`${server.url}/api/rooms/pages/history?before=3`)).json()) as {
      events: { seq: number }[];
      head: number;
    };
    expect(rest.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(rest.head).toBe(26);
    // Over HTTP a limit above the maximum is clamped to it, not refused.
    const big = await fetch(`${server.url}/api/rooms/pages/history?after=0&limit=100000`);
    expect(big.status).toBe(200);
    expect(((await big.json()) as { events: unknown[]; more: boolean }).events).toHaveLength(26);
    const zero = await fetch(`${server.url}/api/rooms/pages/history?limit=0`);
    expect(zero.status).toBe(400);
  });

  it('reports presence of the room to its members', async () => {
    await connect().then((c) => c.request('room', { type: 'create', id: 'c4', room: 'presence' }));
    const a = await joined('pres-a', 'presence');
    // A full view once after the join…
    const first = await a.next('presence', (p) => p.online !== undefined);
    expect(first).toMatchObject({ count: 1, online: [{ nick: 'pres-a' }] });
    const b = await joined('pres-b', 'presence');
    // … then only changes: b's arrival is one entry, not the whole list again.
    const arrival = await a.next('presence', (p) => p.joined?.[0]?.nick === 'pres-b');
    expect(arrival).toEqual({
      type: 'presence',
      room: 'presence',
      count: 2,
      // A guest is listed as one.
      joined: [{ id: b.welcome.user.id, nick: 'pres-b', guest: true }],
    });
    // The joiner's full view comes before any change.
    expect(await b.next('presence')).toMatchObject({ count: 2, online: [{ nick: 'pres-a' }, { nick: 'pres-b' }] });
    expect(a.online('presence')).toEqual(['pres-a', 'pres-b']);
    b.close();
    const gone = await a.next('presence', (p) => p.left !== undefined);
    expect(gone).toEqual({
      type: 'presence',
      room: 'presence',
      count: 1,
      left: [{ id: b.welcome.user.id, nick: 'pres-b', guest: true }],
    });
    expect(a.online('presence')).toEqual(['pres-a']);
  });
});

describe('resume', () => {
  it('replays exactly what was missed after a reconnect, then continues live', async () => {
    await connect().then((c) => c.request('room', { type: 'create', id: 'c5', room: 'resume' }));
    const writer = await joined(undefined, 'resume');
    const reader = await joined(undefined, 'resume');
    const epoch = reader.joinedFrame.room.epoch;
    for (let i = 1; i <= 5; i++)
      await writer.request('ack', { type: 'send', id: `r${i}`, room: 'resume', kind: 'text', body: `${i}` });
    await waitUntil(() => reader.texts('resume').length === 5, { what: 'reader to see 5' });
    const last = Math.max(...reader.events('resume'));
    reader.close();
    await reader.closed;
    for (let i = 6; i <= 450; i++)
      writer.sendJson({ type: 'send', id: `r${i}`, room: 'resume', kind: 'text', body: `${i}` });
    await writer.next('ack', (f) => f.id === 'r450');
    const back = await connect(reader.welcome.user.nick, reader.welcome.session);
    expect(back.welcome.user).toEqual(reader.welcome.user);
    const j = await back.request('joined', { type: 'join', id: 'again', room: 'resume', after: last, epoch });
    expect(j).toMatchObject({ from: last, reset: false });
    writer.sendJson({ type: 'send', id: 'live', room: 'resume', kind: 'text', body: 'live' });
    await waitUntil(() => back.events('resume').length === 446, { what: 'replay + live' });
    expect(back.events('resume')).toEqual(Array.from({ length: 446 }, (_, i) => i + last + 1));
  });

  it('says reset when the epoch does not match, and a fresh join replays nothing', async () => {
    const a = await connect();
    const stale = await a.request('joined', { type: 'join', id: 'j', room: 'general', after: 1, epoch: 'old-epoch' });
    expect(stale.reset).toBe(true);
    expect(stale.from).toBe(stale.room.head);
    const b = await connect();
    const fresh = await b.request('joined', { type: 'join', id: 'j', room: 'general' });
    expect(fresh).toMatchObject({ reset: false, from: fresh.room.head });
    await b.request('pong', { type: 'ping', id: 'sync' });
    expect(b.events('general')).toEqual([]);
  });
});

describe('identity', () => {
  it('refuses a nickname held by another session and closes with a terminal code', async () => {
    await connect('Taken');
    const other = await RawClient.open(server.wsUrl);
    other.sendJson({ type: 'hello', v: 1, nick: 'taken' });
    const err = await other.next('error');
    expect(err).toMatchObject({ code: 'nick_taken', retryable: false });
    expect((await other.closed).code).toBe(4400);
  });

  it('lets the same session hold its nickname on two connections', async () => {
    const first = await connect('twice');
    const second = await connect('twice', first.welcome.session);
    expect(second.welcome.user).toEqual(first.welcome.user);
  });

  it('adopts a proposed session token, so a retry after a lost welcome is the same session', async () => {
    const token = 'proposed-token-0123456789abcdef';
    // The first connection stays open (as a half-open one would) and holds the nickname.
    const first = await connect('lost-welcome', token);
    expect(first.welcome.session).toBe(token);
    const retry = await connect('lost-welcome', token);
    expect(retry.welcome.user).toEqual(first.welcome.user);
    const stranger = await RawClient.open(server.wsUrl);
    stranger.sendJson({ type: 'hello', v: 1, nick: 'lost-welcome', session: 'another-proposed-token-0123456' });
    expect(await stranger.next('error')).toMatchObject({ code: 'nick_taken' });
    // A short or odd token is not adopted: the server makes a random one.
    const short = await connect('short-token', 'abc');
    expect(short.welcome.session).not.toBe('abc');
    expect(short.welcome.session.length).toBeGreaterThanOrEqual(22);
  });

  it('rejects invalid nicknames', async () => {
    const c = await RawClient.open(server.wsUrl);
    c.sendJson({ type: 'hello', v: 1, nick: '<script>' });
    expect(await c.next('error')).toMatchObject({ code: 'nick_invalid' });
  });
});

describe('restart', () => {
  it('keeps every message and continues seq on the same database', async () => {
    await connect().then((c) => c.request('room', { type: 'create', id: 'c6', room: 'durable' }));
    const a = await joined('durable-a', 'durable');
    for (let i = 1; i <= 10; i++)
      await a.request('ack', { type: 'send', id: `d${i}`, room: 'durable', kind: 'text', body: `d${i}` });
    const session = a.welcome.session;
    await server.restart();
    await a.closed;
    const b = await connect('durable-a', session);
    expect(b.welcome.user).toEqual(a.welcome.user);
    await b.request('joined', { type: 'join', id: 'j', room: 'durable' });
    // A resend of an acknowledged id after the restart is still recognised.
    expect(
      await b.request('ack', { type: 'send', id: 'd10', room: 'durable', kind: 'text', body: 'd10' }),
    ).toMatchObject({
      seq: 11,
      duplicate: true,
    });
    expect(
      await b.request('ack', { type: 'send', id: 'd11', room: 'durable', kind: 'text', body: 'd11' }),
    ).toMatchObject({
      seq: 12,
      duplicate: false,
    });
    const page = await b.request('history', { type: 'history', id: 'h', room: 'durable' });
    expect(page.events.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(page.events.slice(1).map((e) => e.body)).toEqual(Array.from({ length: 11 }, (_, i) => `d${i + 1}`));
  });
});
