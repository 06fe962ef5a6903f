/**
 * Authorization: private rooms, roles and moderation, each rule attacked from the wire.
 * A private room must answer a non-member exactly as a missing room does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorFrame, RoomEvent, WelcomeFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let olga: Client; // owner of every room here
let mona: Client; // moderator
let mel: Client; // member
let otto: Client; // outsider
let n = 0;
const rid = (p: string) => `${p}-${++n}`;

const errorOf = async (c: RawClient, frame: Record<string, unknown>): Promise<ErrorFrame> => {
  const id = rid('x');
  try {
    await c.request('ack', { ...frame, id });
  } catch (err) {
    return (err as { frame: ErrorFrame }).frame;
  }
  throw new Error(`${String(frame['type'])} was not refused`);
};

/** An error with the room name blanked, to compare "private" with "missing". */
const shape = (e: ErrorFrame, room: string) => ({
  code: e.code,
  message: e.message.replaceAll(room, 'ROOM'),
  retryable: e.retryable,
});

const ack = (c: RawClient, frame: Record<string, unknown>) => c.request('ack', { id: rid('a'), ...frame });
const send = (c: RawClient, room: string, body: string) => ack(c, { type: 'send', room, kind: 'text', body });

/** A round trip: every frame the server wrote to this socket before now has arrived. */
const barrier = async (c: RawClient) => {
  const id = rid('p');
  c.sendJson({ type: 'ping', id });
  await c.next('pong', (f) => f.id === id);
};

const uid = (c: Client) => c.welcome.user.id;

async function create(room: string, visibility: 'public' | 'private'): Promise<void> {
  await olga.request('room', { type: 'create', id: rid('c'), room, visibility });
  await olga.request('joined', { type: 'join', id: rid('j'), room });
}

beforeAll(async () => {
  server = await startServer();
  olga = await RawClient.connect(server.wsUrl, 'olga');
  mona = await RawClient.connect(server.wsUrl, 'mona');
  mel = await RawClient.connect(server.wsUrl, 'mel');
  otto = await RawClient.connect(server.wsUrl, 'otto');
  await create('secret', 'private');
  for (const c of [mona, mel]) await ack(olga, { type: 'invite', room: 'secret', user: uid(c) });
  await ack(olga, { type: 'role', room: 'secret', user: uid(mona), role: 'moderator' });
  for (const c of [mona, mel]) await c.request('joined', { type: 'join', id: rid('j'), room: 'secret' });
});

afterAll(async () => {
  for (const c of [olga, mona, mel, otto]) c.close();
  await server.dispose();
});

describe('private rooms are invisible to non-members', () => {
  it('lists them only to members and the owner, over WebSocket and REST', async () => {
    const names = async (c: RawClient) =>
      (await c.request('rooms', { type: 'rooms', id: rid('r') })).rooms.map((r) => r.name);
    expect(await names(otto)).not.toContain('secret');
    expect(await names(mel)).toContain('secret');
    expect(await names(olga)).toContain('secret');
    const rest = (await (await fetch(`${server.url}/api/rooms`)).json()) as { rooms: { name: string }[] };
    expect(rest.rooms.map((r) => r.name)).not.toContain('secret');
  });

  it('answers join, history, send, react, edit, delete and moderation exactly as for a missing room', async () => {
    const frames: Record<string, unknown>[] = [
      { type: 'join' },
      { type: 'join', after: 1, epoch: 'x' },
      { type: 'history', after: 0 },
      { type: 'send', kind: 'text', body: 'let me in' },
      { type: 'react', ref: 1, emoji: '👍', on: true },
      { type: 'edit', ref: 1, body: 'x' },
      { type: 'delete', ref: 1 },
      { type: 'invite', user: uid(otto) },
      { type: 'kick', user: uid(mel) },
      { type: 'ban', user: uid(mel) },
      { type: 'unban', user: uid(mel) },
      { type: 'role', user: uid(mel), role: 'moderator' },
    ];
    for (const f of frames) {
      const hidden = await errorOf(otto, { ...f, room: 'secret' });
      const missing = await errorOf(otto, { ...f, room: 'no-such-room' });
      expect(shape(hidden, 'secret'), String(f['type'])).toEqual(shape(missing, 'no-such-room'));
    }
  });

  it('answers REST history for a private room exactly as for a missing one', async () => {
    const get = async (room: string) => {
      const res = await fetch(`${server.url}/api/rooms/${room}/history`);
      const body = (await res.json()) as { error: string; message: string };
      return { status: res.status, error: body.error, message: body.message.replace(room, 'ROOM') };
    };
    await send(olga, 'secret', 'top secret');
    expect(await get('secret')).toEqual(await get('no-such-room'));
    expect((await get('secret')).status).toBe(404);
  });

  it('never shows a non-member presence or typing of a private room', async () => {
    otto.sendJson({ type: 'typing', room: 'secret', on: true });
    await barrier(otto);
    await barrier(olga);
    expect(olga.frames.some((f) => f.type === 'typing' && f.user.id === uid(otto))).toBe(false);
    expect(otto.frames.some((f) => 'room' in f && f.room === 'secret')).toBe(false);
  });
});

describe('roles', () => {
  it('logs invite and role changes with their target, so every member agrees', async () => {
    const page = await mel.request('history', { type: 'history', id: rid('h'), room: 'secret', after: 0 });
    const moderation = page.events.filter((e) => e.target !== undefined);
    expect(moderation.map((e) => [e.kind, e.sender.nick, e.target?.nick, e.body])).toEqual([
      ['invite', 'olga', 'mona', ''],
      ['invite', 'olga', 'mel', ''],
      ['role', 'olga', 'mona', 'moderator'],
    ]);
  });

  it('refuses invite, kick, ban, unban and role to a plain member', async () => {
    for (const f of [
      { type: 'invite', user: uid(otto) },
      { type: 'kick', user: uid(mona) },
      { type: 'ban', user: uid(mona) },
      { type: 'unban', user: uid(otto) },
      { type: 'role', user: uid(mel), role: 'moderator' },
    ]) {
      expect((await errorOf(mel, { ...f, room: 'secret' })).code, f.type).toBe('forbidden');
    }
  });

  it('lets a moderator neither touch the owner nor change roles', async () => {
    for (const f of [
      { type: 'kick', user: uid(olga) },
      { type: 'ban', user: uid(olga) },
      { type: 'role', user: uid(mel), role: 'moderator' },
      { type: 'role', user: uid(mona), role: 'member' },
    ]) {
      expect((await errorOf(mona, { ...f, room: 'secret' })).code, f.type).toBe('forbidden');
    }
    // Not even the owner can demote, kick or ban the owner.
    expect((await errorOf(olga, { type: 'kick', room: 'secret', user: uid(olga) })).code).toBe('forbidden');
    expect((await errorOf(olga, { type: 'role', room: 'secret', user: uid(olga), role: 'member' })).code).toBe(
      'forbidden',
    );
  });

  it('lets moderators delete others’ messages, but not edit them; members may delete only their own', async () => {
    const a = await send(mel, 'secret', 'spam');
    const b = await send(olga, 'secret', 'owner says');
    expect((await errorOf(mel, { type: 'delete', room: 'secret', ref: b.seq })).code).toBe('not_allowed');
    expect((await errorOf(mona, { type: 'edit', room: 'secret', ref: a.seq, body: 'x' })).code).toBe('not_allowed');
    const del = await ack(mona, { type: 'delete', room: 'secret', ref: a.seq });
    expect(await mel.next('event', (e) => e.seq === del.seq)).toMatchObject({
      kind: 'delete',
      ref: a.seq,
      sender: { nick: 'mona' },
    });
    await ack(olga, { type: 'delete', room: 'secret', ref: (await send(mona, 'secret', 'mod msg')).seq });
  });

  it('is idempotent: the same invite id acks the same seq; an invite already in effect appends nothing', async () => {
    await create('pub-idem', 'public');
    const frame = { type: 'invite', id: rid('i'), room: 'pub-idem', user: uid(otto) };
    const first = await olga.request('ack', frame);
    const again = await olga.request('ack', frame);
    expect(again).toMatchObject({ seq: first.seq, duplicate: true });
    const other = await ack(olga, { type: 'invite', room: 'pub-idem', user: uid(otto) });
    expect(other).toMatchObject({ seq: first.seq, duplicate: true });
    expect((await errorOf(olga, { type: 'invite', room: 'pub-idem', user: 'nobody-has-this-id' })).code).toBe(
      'user_unknown',
    );
  });
});

describe('kick and ban', () => {
  it('a banned user’s live socket loses the room at once, and it cannot send, read or rejoin', async () => {
    await create('pub-ban', 'public');
    const vic = await RawClient.connect(server.wsUrl, 'vic');
    await vic.request('joined', { type: 'join', id: rid('j'), room: 'pub-ban' });
    await olga.onlineWhen('pub-ban', (nicks) => nicks.includes('vic'));

    const ban = await ack(olga, { type: 'ban', room: 'pub-ban', user: uid(vic) });
    const removed = await vic.next('removed', (f) => f.room === 'pub-ban');
    expect(removed).toMatchObject({ reason: 'ban', by: { nick: 'olga' } });
    expect(await olga.next('event', (e) => e.seq === ban.seq)).toMatchObject({
      kind: 'ban',
      target: { id: uid(vic), nick: 'vic' },
    });
    await olga.onlineWhen('pub-ban', (nicks) => !nicks.includes('vic'));

    // No further events: the ban itself and anything after it never reach the socket.
    const after = await send(olga, 'pub-ban', 'after the ban');
    await barrier(vic);
    expect(vic.events('pub-ban').filter((s) => s >= ban.seq)).toEqual([]);
    expect(after.seq).toBeGreaterThan(ban.seq);

    // A frame queued by the victim's client after the ban is refused, and nothing is stored.
    expect((await errorOf(vic, { type: 'send', room: 'pub-ban', kind: 'text', body: 'sneaky' })).code).toBe(
      'not_member',
    );
    expect((await errorOf(vic, { type: 'history', room: 'pub-ban', after: 0 })).code).toBe('banned');
    expect((await errorOf(vic, { type: 'join', room: 'pub-ban' })).code).toBe('banned');
    vic.sendJson({ type: 'typing', room: 'pub-ban', on: true });
    await barrier(vic);
    const page = await olga.request('history', { type: 'history', id: rid('h'), room: 'pub-ban', after: ban.seq });
    expect(page.events.map((e: RoomEvent) => e.body)).toEqual(['after the ban']);

    // A ban is per user, not per socket: a new connection of the same session is refused too.
    const vic2 = await RawClient.connect(server.wsUrl, 'vic', vic.welcome.session);
    expect((await errorOf(vic2, { type: 'join', room: 'pub-ban' })).code).toBe('banned');
    // Nor can a moderator invite a banned user back.
    expect((await errorOf(olga, { type: 'invite', room: 'pub-ban', user: uid(vic) })).code).toBe('banned');

    await ack(olga, { type: 'unban', room: 'pub-ban', user: uid(vic) });
    await vic2.request('joined', { type: 'join', id: rid('j'), room: 'pub-ban' });
    vic.close();
    vic2.close();
  });

  it('a kicked user may rejoin a public room, but a private one only when invited again', async () => {
    await create('pub-kick', 'public');
    const kim = await RawClient.connect(server.wsUrl, 'kim');
    await kim.request('joined', { type: 'join', id: rid('j'), room: 'pub-kick' });
    await ack(olga, { type: 'kick', room: 'pub-kick', user: uid(kim) });
    expect(await kim.next('removed', (f) => f.room === 'pub-kick')).toMatchObject({ reason: 'kick' });
    await kim.request('joined', { type: 'join', id: rid('j'), room: 'pub-kick' });

    await ack(mona, { type: 'kick', room: 'secret', user: uid(mel) });
    expect(await mel.next('removed', (f) => f.room === 'secret')).toMatchObject({
      reason: 'kick',
      by: { nick: 'mona' },
    });
    const hidden = await errorOf(mel, { type: 'join', room: 'secret' });
    expect(hidden.code).toBe('room_not_found');
    const names = (await mel.request('rooms', { type: 'rooms', id: rid('r') })).rooms.map((r) => r.name);
    expect(names).not.toContain('secret');
    await ack(mona, { type: 'invite', room: 'secret', user: uid(mel) });
    await mel.request('joined', { type: 'join', id: rid('j'), room: 'secret' });
    kim.close();
  });

  it('leaving a private room ends membership: rejoining needs a new invite', async () => {
    await mel.request('left', { type: 'leave', id: rid('l'), room: 'secret' });
    expect((await errorOf(mel, { type: 'join', room: 'secret' })).code).toBe('room_not_found');
    await ack(olga, { type: 'invite', room: 'secret', user: uid(mel) });
    await mel.request('joined', { type: 'join', id: rid('j'), room: 'secret' });
  });
});

describe('forged frames', () => {
  it('ignores a claimed sender, and a ref from another room changes nothing there', async () => {
    await create('pub-forge', 'public');
    await otto.request('joined', { type: 'join', id: rid('j'), room: 'pub-forge' });
    const forged = await ack(otto, {
      type: 'send',
      room: 'pub-forge',
      kind: 'text',
      body: 'I am olga',
      sender: { id: uid(olga), nick: 'olga' },
    });
    const page = await olga.request('history', {
      type: 'history',
      id: rid('h'),
      room: 'pub-forge',
      after: forged.seq - 1,
      limit: 1,
    });
    expect(page.events[0]?.sender).toEqual({ id: uid(otto), nick: 'otto' });
    // A seq that is a message in 'secret' but not in 'pub-forge': no reach across rooms.
    const secretMsg = await send(olga, 'secret', 'in secret');
    expect((await errorOf(otto, { type: 'delete', room: 'pub-forge', ref: secretMsg.seq })).code).toMatch(
      /target_not_found|not_allowed/,
    );
    // Moderation fields name a user id, never an actor: otto cannot act as olga.
    expect((await errorOf(otto, { type: 'kick', room: 'pub-forge', user: uid(olga), by: uid(olga) })).code).toBe(
      'forbidden',
    );
    // A role frame with a role that does not exist is a bad frame, not a promotion.
    expect((await errorOf(olga, { type: 'role', room: 'pub-forge', user: uid(otto), role: 'owner' })).code).toBe(
      'bad_frame',
    );
  });
});
