/** The SDK against a real server: basics, two clients, terminal close, session identity. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, next, range, roomName, seqs, waitUntil } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

describe('client against a real server', () => {
  it('connects, creates, joins, sends and reads history', async () => {
    const c = makeClient(server.wsUrl, 'alice');
    expect(c.state).toBe('idle');
    await inState(c, 'connected');
    expect(c.seen.states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(c.seen.states[0]).toMatchObject({ prev: 'idle', attempt: 0 });
    expect(c.user?.nick).toBe('alice');
    expect(typeof c.session).toBe('string');
    expect(c.seen.welcomes).toEqual([{ user: c.user, session: c.session }]);

    const name = roomName();
    const created = await c.createRoom(name, 'A  room ');
    expect(created).toMatchObject({ name, title: 'A room', head: 0 });
    expect((await c.rooms()).map((r) => r.name)).toContain(name);

    const info = await c.join(name);
    expect(info.name).toBe(name);
    // Joining is logged: the room starts with our join event, and we resume after it.
    const base = info.head;
    expect(base).toBe(1);
    expect(c.lastSeq(name)).toBe(base);
    expect(await c.join(name)).toEqual(info); // idempotent

    const acks = await Promise.all(['one', 'two', 'three'].map((b) => c.send(name, b)));
    expect(acks.map((a) => a.seq)).toEqual(range(base + 1, base + 3));
    expect(acks.every((a) => !a.duplicate && a.room === name)).toBe(true);
    await waitUntil(() => c.seen.room(name).length === 3, { what: 'own echoes' });
    const own = c.seen.room(name);
    expect(own.map((e) => e.body)).toEqual(['one', 'two', 'three']);
    expect(own.map((e) => e.cid)).toEqual(acks.map((a) => a.id));
    expect(c.lastSeq(name)).toBe(base + 3);

    const page = await c.history(name, { before: base + 3, limit: 5 });
    expect(seqs(page.events)).toEqual(range(1, base + 2));
    expect(page.more).toBe(false);
  });

  it('rejects requests with the server error and keeps going', async () => {
    const c = makeClient(server.wsUrl, 'bob');
    await expect(c.join('no-such-room')).rejects.toMatchObject({ code: 'room_not_found', retryable: false });
    expect(c.lastSeq('no-such-room')).toBeUndefined();
    const name = roomName();
    await c.createRoom(name);
    await expect(c.createRoom(name)).rejects.toBeInstanceOf(ClientError);
    await expect(c.send(roomName(), 'x')).rejects.toMatchObject({ code: 'not_member' });
    const joined = await c.join(name);
    await expect(c.send(name, '   ')).rejects.toMatchObject({ code: 'body_empty' });
    expect((await c.send(name, 'fine')).seq).toBe(joined.head + 1);
    expect(c.state).toBe('connected');
  });

  it('queues requests made before the connection is up, and sends after the join', async () => {
    const setup = makeClient(server.wsUrl, 'setup');
    const name = roomName();
    await setup.createRoom(name);
    const c = makeClient(server.wsUrl, 'carol', { autoConnect: false });
    const joined = c.join(name);
    const sent = c.send(name, 'early bird');
    const list = c.rooms();
    expect(c.state).toBe('idle');
    c.connect();
    expect((await joined).name).toBe(name);
    expect((await sent).seq).toBe((await joined).head + 1);
    expect((await list).length).toBeGreaterThan(0);
  });

  it('two clients in a room see each other in the same order', async () => {
    const a = makeClient(server.wsUrl, 'ann');
    const b = makeClient(server.wsUrl, 'ben');
    const name = roomName();
    await a.createRoom(name);
    await Promise.all([a.join(name), b.join(name)]);
    // The SDK's view: one full view after the join, then the changes after it.
    const presence = await waitUntil(() => (a.online(name)?.count === 2 ? a.online(name) : undefined), {
      what: 'ann to see ben online',
    });
    expect(presence.online.map((u) => u.nick)).toEqual(['ann', 'ben']);

    const sends = range(1, 20).flatMap((i) => [a.send(name, `a${i}`), b.send(name, `b${i}`)]);
    const acks = await Promise.all(sends);
    expect(new Set(acks.map((x) => x.seq)).size).toBe(40);

    const texts = (c: typeof a) => c.seen.room(name).filter((e) => e.kind === 'text');
    await waitUntil(() => texts(a).length === 40 && texts(b).length === 40, {
      what: 'both clients to see 40 messages',
    });
    expect(seqs(texts(a))).toEqual(range(3, 42)); // after the two join events
    expect(texts(a).map((e) => e.id)).toEqual(texts(b).map((e) => e.id));
    // Each sender's own messages keep their send order.
    const bodies = texts(a).map((e) => e.body);
    expect(bodies.filter((x) => x.startsWith('a'))).toEqual(range(1, 20).map((i) => `a${i}`));
    expect(bodies.filter((x) => x.startsWith('b'))).toEqual(range(1, 20).map((i) => `b${i}`));
    expect(a.seen.room(name).find((e) => e.body === 'b1')?.sender).toEqual({ id: b.user?.id, nick: b.user?.nick });
  });

  it('a taken nick closes for good: error, state closed, no reconnect', async () => {
    const first = makeClient(server.wsUrl, 'sam');
    await inState(first, 'connected');
    const second = makeClient(server.wsUrl, 'sam');
    const pending = second.rooms();
    const error = await next(second, 'error');
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'nick_taken', retryable: false });
    await inState(second, 'closed');
    await expect(pending).rejects.toMatchObject({ code: 'nick_taken' });
    const last = second.seen.states.at(-1);
    expect(last).toMatchObject({ state: 'closed', prev: 'connecting', code: 4400 });
    expect(second.seen.states.map((s) => s.state)).toEqual(['connecting', 'closed']);
    await expect(second.send('general', 'x')).rejects.toMatchObject({ code: 'closed' });
    expect(first.state).toBe('connected');

    // The app's "try again": once the nick is free, connect() starts over.
    first.close();
    await waitUntil(
      () => {
        // The server frees the nick when it notices the close; until then it is still taken.
        if (second.state === 'closed') second.connect();
        return second.state === 'connected';
      },
      { what: 'the retry to get through' },
    );
    expect(second.user?.nick).toBe('sam');
    expect(second.seen.states.at(-1)).toMatchObject({ state: 'connected', prev: 'connecting' });
  });

  it('an invalid nick closes for good at once, without waiting for a close from the server', async () => {
    const c = makeClient(server.wsUrl, '  ');
    const error = await next(c, 'error');
    expect(error).toMatchObject({ code: 'nick_invalid', retryable: false });
    await inState(c, 'closed', 1_000);
    expect(c.seen.states.map((s) => s.state)).toEqual(['connecting', 'closed']);
  });

  it('the same session token is the same user', async () => {
    const a = makeClient(server.wsUrl, 'dana');
    await inState(a, 'connected');
    const { user, session } = a;
    a.close();
    const again = makeClient(server.wsUrl, 'dana', { session });
    await inState(again, 'connected');
    expect(again.user).toEqual(user);
    expect(again.session).toBe(session);
  });

  it('close() is final: pending promises reject and nothing runs on', async () => {
    const c = makeClient(server.wsUrl, 'erin');
    await inState(c, 'connected');
    const name = roomName();
    await c.createRoom(name);
    await c.join(name);
    const inflight = c.history(name);
    c.close();
    await expect(inflight).rejects.toMatchObject({ code: 'closed' });
    expect(c.seen.states.at(-1)).toMatchObject({ state: 'closed', prev: 'connected' });
    expect(c.lastSeq(name)).toBe(1); // still readable, e.g. to persist (1: our join event)
    await expect(c.join(name)).rejects.toMatchObject({ code: 'closed' });
    c.connect(); // close() is final
    expect(c.state).toBe('closed');
  });
});
