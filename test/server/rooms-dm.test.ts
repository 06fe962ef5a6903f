/**
 * Direct messages, room settings (rename, topic), member lists and the room directory, attacked
 * from the wire: a DM exists only for the people it is between; only owners and moderators
 * change a room's title and topic; every change is a log event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DM_MAX_USERS, type ErrorFrame, type UserEventFrame, type WelcomeFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let ann: Client;
let ben: Client;
let cal: Client; // the third user: never in the DM
let n = 0;
const rid = (p: string) => `${p}-${++n}`;
const uid = (c: Client) => c.welcome.user.id;

const errorOf = async (c: RawClient, frame: Record<string, unknown>): Promise<ErrorFrame> => {
  const id = rid('x');
  c.sendJson({ ...frame, id });
  return c.next('error', (e) => e.id === id);
};
const openDm = (c: RawClient, users: string[], id = rid('d')) => c.request('room', { type: 'dm', id, users });
const join = (c: RawClient, room: string) => c.request('joined', { type: 'join', id: rid('j'), room });
const send = (c: RawClient, room: string, body: string) =>
  c.request('ack', { type: 'send', id: rid('s'), room, kind: 'text', body });
const roomNames = async (c: RawClient) =>
  (await c.request('rooms', { type: 'rooms', id: rid('r') })).rooms.map((r) => r.name);
const history = async (c: RawClient, room: string) =>
  (await c.request('history', { type: 'history', id: rid('h'), room, after: 0 })).events;

beforeAll(async () => {
  server = await startServer();
  ann = await RawClient.connect(server.wsUrl, 'ann');
  ben = await RawClient.connect(server.wsUrl, 'ben');
  cal = await RawClient.connect(server.wsUrl, 'cal');
});

afterAll(async () => {
  for (const c of [ann, ben, cal]) c.close();
  await server.dispose();
});

describe('direct messages', () => {
  it('opens one room per pair, whoever opens it and however often, between exactly those two', async () => {
    const first = await openDm(ann, [uid(ben)]);
    expect(first.room.name).toMatch(/^dm-[0-9a-f]{24}$/);
    expect(first.room.visibility).toBe('private');
    expect(first.room.dm?.map((u) => u.nick).sort()).toEqual(['ann', 'ben']);
    const again = await openDm(ann, [uid(ben), uid(ben), uid(ann)]);
    const fromBen = await openDm(ben, [uid(ann)]);
    expect(again.room.name).toBe(first.room.name);
    expect(fromBen.room.name).toBe(first.room.name);
    expect(fromBen.room.epoch).toBe(first.room.epoch);
    // One join per person who opened it, however often; nobody was invited (no message yet).
    const events = await history(ann, first.room.name);
    expect(events.map((e) => [e.kind, e.sender.nick, e.target?.nick])).toEqual([
      ['join', 'ann', undefined],
      ['join', 'ben', undefined],
    ]);
  });

  it('the other person hears of the DM with its first message, not before', async () => {
    const dan = await RawClient.connect(server.wsUrl, 'dan');
    const before = await dan.request('synced', { type: 'sync', id: rid('y') });
    const { room } = await openDm(ann, [uid(dan)]);
    expect(room.members).toBe(1);
    // An empty DM: nothing in dan's user log, not among his rooms; its members are ann alone.
    const resync = await dan.request('synced', { type: 'sync', id: rid('y'), after: before.head });
    expect(resync.head).toBe(before.head);
    expect(dan.frames.some((f) => f.type === 'user' && f.room === room.name)).toBe(false);
    expect(await roomNames(dan)).not.toContain(room.name);
    const members = await ann.request('members', { type: 'members', id: rid('m'), room: room.name });
    expect(members.members.map((m) => m.user.nick)).toEqual(['ann']);

    // The first message: dan becomes a member in its write, right before it, live…
    await join(ann, room.name);
    const sendId = rid('s');
    const first = { type: 'send', id: sendId, room: room.name, kind: 'text', body: 'hi dan' };
    const { seq } = await ann.request('ack', first);
    const live = await dan.next('user', (e) => e.room === room.name);
    expect(live).toMatchObject({ kind: 'member', cause: 'invite', ref: seq - 1, by: { id: uid(ann) } });
    expect((await history(ann, room.name)).map((e) => [e.kind, e.target?.nick ?? e.body])).toEqual([
      ['join', ''],
      ['invite', 'dan'],
      ['text', 'hi dan'],
    ]);
    // …and on a second device, from before it; the message is his to read.
    const again = await RawClient.connect(server.wsUrl, 'dan', dan.welcome.session);
    await again.request('synced', { type: 'sync', id: rid('y'), after: before.head });
    const replayed = await again.next('user', (e: UserEventFrame) => e.room === room.name);
    expect(replayed.seq).toBe(live.seq);
    expect(await roomNames(dan)).toContain(room.name);
    const unread = await dan.request('unread', { type: 'unread', id: rid('u'), room: room.name });
    expect(unread.counts).toMatchObject([{ room: room.name, unread: 1 }]);

    // A resend of the same message appends nothing and invites nobody.
    expect(await ann.request('ack', first)).toMatchObject({ seq, duplicate: true });
    expect((await history(ann, room.name)).length).toBe(3);
    // Dan joins and they talk.
    await join(dan, room.name);
    const reply = await send(dan, room.name, 'hi ann');
    await ann.next('event', (e) => e.room === room.name && e.seq === reply.seq && e.body === 'hi ann');
    // Dan leaves; the next message in the DM brings him back.
    await dan.request('left', { type: 'leave', id: rid('l'), room: room.name });
    const back = await send(ann, room.name, 'come back');
    const readded = await dan.next('user', (e) => e.room === room.name && e.kind === 'member');
    expect(readded).toMatchObject({ cause: 'invite', ref: back.seq - 1 });
    for (const c of [dan, again]) c.close();
  });

  it('is invisible to a third user: not listed, and every frame answers as for a missing room', async () => {
    const { room } = await openDm(ann, [uid(ben)]);
    await join(ann, room.name);
    await send(ann, room.name, 'just us');
    expect(await roomNames(cal)).not.toContain(room.name);
    const rest = (await (await fetch(`${server.url}/api/rooms`)).json()) as { rooms: { name: string }[] };
    expect(rest.rooms.map((r) => r.name)).not.toContain(room.name);
    for (const f of [
      { type: 'join' },
      { type: 'history', after: 0 },
      { type: 'send', kind: 'text', body: 'let me in' },
      { type: 'members' },
      { type: 'rename', title: 'mine now' },
      { type: 'topic', topic: 'hello' },
      { type: 'invite', user: uid(cal) },
    ]) {
      const hidden = await errorOf(cal, { ...f, room: room.name });
      const missing = await errorOf(cal, { ...f, room: 'dm-000000000000000000000000' });
      expect([hidden.code, hidden.message.replace(room.name, 'R')], f.type).toEqual([
        missing.code,
        missing.message.replace('dm-000000000000000000000000', 'R'),
      ]);
      expect(['room_not_found', 'not_member']).toContain(hidden.code);
    }
    // And no frame of the DM ever reached cal.
    expect(cal.frames.some((f) => 'room' in f && f.room === room.name)).toBe(false);
  });

  it('opens a group DM as a new room each time, but once per frame id', async () => {
    const id = rid('g');
    const a = await openDm(ann, [uid(ben), uid(cal)], id);
    const resent = await openDm(ann, [uid(ben), uid(cal)], id);
    const b = await openDm(ann, [uid(ben), uid(cal)]);
    expect(a.room.name).toMatch(/^gdm-/);
    expect(resent.room.name).toBe(a.room.name);
    expect(b.room.name).not.toBe(a.room.name);
    expect(a.room.dm?.length).toBe(3);
    // Ben and cal hear of it with its first message.
    expect(await roomNames(cal)).not.toContain(a.room.name);
    await join(ann, a.room.name);
    await send(ann, a.room.name, 'hello both');
    expect(await roomNames(cal)).toContain(a.room.name);
    expect(await roomNames(ben)).toContain(a.room.name);
  });

  it('refuses an empty, too large or unknown party, and reserves DM names', async () => {
    expect((await errorOf(ann, { type: 'dm', users: [uid(ann)] })).code).toBe('dm_invalid');
    const crowd = Array.from({ length: DM_MAX_USERS }, (_, i) => `nobody-${i}`);
    expect((await errorOf(ann, { type: 'dm', users: crowd })).code).toBe('dm_invalid');
    expect((await errorOf(ann, { type: 'dm', users: ['no-such-user'] })).code).toBe('user_unknown');
    expect((await errorOf(ann, { type: 'dm', users: [] })).code).toBe('bad_frame');
    expect((await errorOf(cal, { type: 'create', room: 'dm-squat' })).code).toBe('room_invalid');
  });
});

describe('rename, topic and members', () => {
  beforeAll(async () => {
    await ann.request('room', { type: 'create', id: rid('c'), room: 'meta' });
    await join(ann, 'meta');
    await join(ben, 'meta');
  });

  it('lets the owner rename and set the topic, as log events every member sees', async () => {
    const renamed = await ann.request('ack', { type: 'rename', id: rid('n'), room: 'meta', title: '  Meta  talk ' });
    const topic = await ann.request('ack', { type: 'topic', id: rid('t'), room: 'meta', topic: 'All about meta' });
    const r = await ben.next('event', (e) => e.room === 'meta' && e.seq === renamed.seq);
    const t = await ben.next('event', (e) => e.room === 'meta' && e.seq === topic.seq);
    expect([r.kind, r.body, r.sender.nick]).toEqual(['rename', 'Meta talk', 'ann']);
    expect([t.kind, t.body]).toEqual(['topic', 'All about meta']);
    const info = (await ben.request('rooms', { type: 'rooms', id: rid('r') })).rooms.find((x) => x.name === 'meta');
    expect(info).toMatchObject({ title: 'Meta talk', topic: 'All about meta', members: 2 });
    // Setting the same value again appends nothing.
    const same = await ann.request('ack', { type: 'topic', id: rid('t'), room: 'meta', topic: 'All about meta' });
    expect(same).toMatchObject({ seq: topic.seq, duplicate: true });
  });

  it('refuses a plain member and a non-member', async () => {
    const byMember = await errorOf(ben, { type: 'rename', room: 'meta', title: 'Ben was here' });
    expect(byMember.code).toBe('forbidden');
    expect((await errorOf(ben, { type: 'topic', room: 'meta', topic: 'nope' })).code).toBe('forbidden');
    expect((await errorOf(cal, { type: 'topic', room: 'meta', topic: 'nope' })).code).toBe('not_member');
    const events = await history(ann, 'meta');
    expect(events.some((e) => e.body === 'Ben was here' || e.body === 'nope')).toBe(false);
  });

  it('lets a moderator, and any member of a DM, change them', async () => {
    await ann.request('ack', { type: 'role', id: rid('o'), room: 'meta', user: uid(ben), role: 'moderator' });
    await ben.request('ack', { type: 'topic', id: rid('t'), room: 'meta', topic: 'Ben moderates' });
    const { room } = await openDm(ben, [uid(ann)]);
    await ben.request('ack', { type: 'topic', id: rid('t'), room: room.name, topic: 'our plans' });
  });

  it('lists members with roles, owner first; a public room to anyone', async () => {
    const list = await cal.request('members', { type: 'members', id: rid('m'), room: 'meta' });
    expect(list.members.map((m) => [m.user.nick, m.role])).toEqual([
      ['ann', 'owner'],
      ['ben', 'moderator'],
    ]);
    expect(list.more).toBe(false);
  });

  it('lists public rooms with title, topic and member count in the directory, and lets anyone join', async () => {
    const dir = (await cal.request('rooms', { type: 'rooms', id: rid('r') })).rooms;
    expect(dir.find((r) => r.name === 'meta')).toMatchObject({
      title: 'Meta talk',
      topic: 'Ben moderates',
      members: 2,
    });
    expect(dir.some((r) => r.dm !== undefined)).toBe(dir.some((r) => r.dm?.some((u) => u.id === uid(cal))));
    await join(cal, 'meta');
    const list = await cal.request('members', { type: 'members', id: rid('m'), room: 'meta' });
    expect(list.members.map((m) => m.user.nick)).toContain('cal');
  });
});
