/**
 * The per-user log, read watermarks, receipts and unread counts, against the real server:
 * every device of a user gets the same user events; a user away resumes them in order, no gap
 * and no duplicate; watermarks only move forward; counts are right after a reconnect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  UNREAD_CAP,
  type ErrorFrame,
  type ReceiptsFrame,
  type UnreadCounts,
  type UserEventFrame,
  type WelcomeFrame,
} from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let n = 0;
const rid = (p: string) => `${p}-${++n}`;

/** A round trip: every frame the server wrote to this socket before now has arrived. */
const barrier = async (c: RawClient) => {
  const id = rid('p');
  c.sendJson({ type: 'ping', id });
  await c.next('pong', (f) => f.id === id);
};

const userEvents = (c: RawClient): UserEventFrame[] => c.frames.filter((f): f is UserEventFrame => f.type === 'user');
const seqsOf = (c: RawClient) => userEvents(c).map((e) => e.seq);
const strip = (e: UserEventFrame) => ({ seq: e.seq, kind: e.kind, room: e.room, read: e.read, cause: e.cause });

const send = (c: RawClient, room: string, body: string) =>
  c.request('ack', { type: 'send', id: rid('s'), room, kind: 'text', body });
const join = (c: RawClient, room: string) => c.request('joined', { type: 'join', id: rid('j'), room });
const create = (c: RawClient, room: string, visibility: 'public' | 'private' = 'public') =>
  c.request('room', { type: 'create', id: rid('c'), room, visibility });
const sync = (c: RawClient, after?: number) =>
  c.request('synced', after === undefined ? { type: 'sync', id: rid('y') } : { type: 'sync', id: rid('y'), after });
const counts = async (c: RawClient, room: string): Promise<UnreadCounts | undefined> =>
  (await c.request('unread', { type: 'unread', id: rid('u'), room })).counts[0];
const errorOf = async (c: RawClient, frame: Record<string, unknown>): Promise<ErrorFrame> => {
  const id = rid('x');
  c.sendJson({ ...frame, id });
  return c.next('error', (e) => e.id === id);
};

/** A second device of the same user: same session token. */
const device = (of: Client) => RawClient.connect(server.wsUrl, of.welcome.user.nick, of.welcome.session);

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.dispose();
});

describe('user log', () => {
  it('sends the same user events, in order, to every connection of the user', async () => {
    const owner = await RawClient.connect(server.wsUrl, 'uowner');
    const ana = await RawClient.connect(server.wsUrl, 'ana');
    const ana2 = await device(ana);
    expect(ana2.welcome.user).toEqual(ana.welcome.user);
    for (const c of [ana, ana2]) expect(await sync(c)).toMatchObject({ from: 0, head: 0, reset: false });

    await create(owner, 'u-private', 'private');
    await join(owner, 'u-private');
    await owner.request('ack', { type: 'invite', id: rid('i'), room: 'u-private', user: ana.welcome.user.id });
    await create(owner, 'u-public');
    await join(owner, 'u-public');
    await join(ana, 'u-public'); // joined on one device: the other hears of it
    const { seq } = await send(owner, 'u-public', 'hello');
    ana2.sendJson({ type: 'read', room: 'u-public', seq });
    await owner.request('ack', { type: 'kick', id: rid('k'), room: 'u-private', user: ana.welcome.user.id });

    for (const c of [ana, ana2])
      await waitUntil(() => userEvents(c).length === 4, {
        what: `four user events, have ${JSON.stringify(c.frames.slice(-6))}`,
      });
    // The kick and the read race: each connection sees them in the one order the store assigned.
    const got = userEvents(ana).map(strip);
    expect(userEvents(ana2).map(strip)).toEqual(got);
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(got.slice(0, 2).map((e) => `${e.kind} ${e.room} ${e.cause}`)).toEqual([
      'member u-private invite',
      'member u-public join',
    ]);
    expect(new Set(got.slice(2).map((e) => `${e.kind} ${e.room} ${e.cause ?? e.read}`))).toEqual(
      new Set(['unmember u-private kick', `read u-public ${seq}`]),
    );
    expect(userEvents(ana).find((e) => e.cause === 'invite')?.by).toEqual({
      id: owner.welcome.user.id,
      nick: owner.welcome.user.nick,
    });
    // Nobody else hears of them.
    expect(userEvents(owner)).toEqual([]);
    for (const c of [owner, ana, ana2]) c.close();
  });

  it('replays what a user missed while away, in order, then goes on live: no gap, no duplicate', async () => {
    const owner = await RawClient.connect(server.wsUrl, 'aowner');
    const bo = await RawClient.connect(server.wsUrl, 'bo');
    await sync(bo);
    await create(owner, 'away-a');
    await join(owner, 'away-a');
    const base = (await join(bo, 'away-a')).room.head; // bo's watermark starts at its join
    await waitUntil(() => userEvents(bo).length === 1, { what: 'the join' });
    const last = seqsOf(bo).at(-1) as number;
    const session = bo.welcome.session;
    bo.close();
    await bo.closed;

    // While bo is away: invited to rooms, kicked from one, and 250 read moves from a script of
    // theirs (more than one replay page).
    for (const room of ['away-b', 'away-c']) {
      await create(owner, room, 'private');
      await join(owner, room);
      await owner.request('ack', { type: 'invite', id: rid('i'), room, user: bo.welcome.user.id });
    }
    await owner.request('ack', { type: 'kick', id: rid('k'), room: 'away-b', user: bo.welcome.user.id });
    for (let i = 0; i < 250; i++) await send(owner, 'away-a', `m${i}`);
    const script = await RawClient.connect(server.wsUrl, 'bo', session);
    for (let seq = base + 1; seq <= base + 250; seq++) script.sendJson({ type: 'read', room: 'away-a', seq });
    await waitUntil(async () => (await counts(script, 'away-a'))?.read === base + 250, { what: 'the reads' });
    script.close();

    const back = await RawClient.connect(server.wsUrl, 'bo', session);
    const synced = await sync(back, last);
    expect(synced).toMatchObject({ from: last, reset: false });
    expect(synced.head).toBe(last + 3 + 250);
    // Live events after the replay: one more invite.
    await create(owner, 'away-d', 'private');
    await join(owner, 'away-d');
    await owner.request('ack', { type: 'invite', id: rid('i'), room: 'away-d', user: bo.welcome.user.id });
    await waitUntil(() => userEvents(back).length === 254, { what: 'replay and live' });
    await barrier(back);
    const seqs = seqsOf(back);
    expect(seqs).toEqual(Array.from({ length: 254 }, (_, i) => last + 1 + i));
    const events = userEvents(back);
    expect(events.slice(0, 3).map((e) => [e.kind, e.room])).toEqual([
      ['member', 'away-b'],
      ['member', 'away-c'],
      ['unmember', 'away-b'],
    ]);
    expect(events.slice(3, 253).map((e) => e.read)).toEqual(Array.from({ length: 250 }, (_, i) => base + 1 + i));
    expect(events[253]).toMatchObject({ kind: 'member', room: 'away-d', cause: 'invite' });

    // A sync again (a gap fill) replays from where asked; a seq beyond the head is a reset.
    const again = await sync(back, seqs.at(-2));
    expect(again).toMatchObject({ from: seqs.at(-2), head: seqs.at(-1), reset: false });
    await barrier(back);
    expect(seqsOf(back).at(-1)).toBe(seqs.at(-1));
    expect(await sync(back, 10_000)).toMatchObject({ from: seqs.at(-1), head: seqs.at(-1), reset: true });
    for (const c of [owner, back]) c.close();
  });
});

describe('read watermarks', () => {
  it('only move forward, clamp to the head, and refuse non-members with documented codes', async () => {
    const cy = await RawClient.connect(server.wsUrl, 'cy');
    const other = await RawClient.connect(server.wsUrl, 'cyother');
    await sync(cy);
    await create(other, 'mono');
    await join(other, 'mono');
    const joined = await join(cy, 'mono');
    // A new member's watermark is its join: nothing before it is unread.
    expect(joined.unread).toMatchObject({ room: 'mono', read: joined.room.head, unread: 0, mentions: 0 });
    for (let i = 0; i < 5; i++) await send(other, 'mono', `m${i}`);
    const head = joined.room.head + 5;

    cy.sendJson({ type: 'read', room: 'mono', seq: head - 2 });
    cy.sendJson({ type: 'read', room: 'mono', seq: head - 4 }); // lower: ignored
    cy.sendJson({ type: 'read', room: 'mono', seq: head - 2 }); // equal: ignored
    cy.sendJson({ type: 'read', room: 'mono', seq: 1_000_000 }); // beyond the head: clamped
    await waitUntil(async () => (await counts(cy, 'mono'))?.read === head, { what: 'the clamped read' });
    await barrier(cy);
    const reads = userEvents(cy).filter((e) => e.kind === 'read');
    expect(reads.map((e) => e.read)).toEqual([head - 2, head]);
    expect(await counts(cy, 'mono')).toEqual({ room: 'mono', read: head, unread: 0, mentions: 0, at: head });

    await create(other, 'mono-private', 'private');
    expect((await errorOf(cy, { type: 'read', room: 'mono-private', seq: 1 })).code).toBe('room_not_found');
    expect((await errorOf(cy, { type: 'read', room: 'no-such-room', seq: 1 })).code).toBe('room_not_found');
    await create(other, 'mono-public');
    expect((await errorOf(cy, { type: 'read', room: 'mono-public', seq: 1 })).code).toBe('not_member');
    expect((await errorOf(cy, { type: 'read', room: 'mono', seq: -1 })).code).toBe('bad_frame');
    // Still connected and working.
    expect(await counts(cy, 'mono-public')).toBeUndefined();
    for (const c of [cy, other]) c.close();
  });

  it('tell the room as coalesced receipts, and joining gives the current ones', async () => {
    const di = await RawClient.connect(server.wsUrl, 'di');
    const ed = await RawClient.connect(server.wsUrl, 'ed');
    await create(di, 'seen');
    await join(di, 'seen');
    await join(ed, 'seen');
    let seq = 0;
    for (let i = 0; i < 5; i++) seq = (await send(di, 'seen', `m${i}`)).seq;
    for (let s = seq - 4; s <= seq; s++) ed.sendJson({ type: 'read', room: 'seen', seq: s });
    const last = await di.next('receipts', (f) =>
      f.receipts.some((r) => r.user.id === ed.welcome.user.id && r.seq === seq),
    );
    expect(last.room).toBe('seen');
    const frames = di.frames.filter((f): f is ReceiptsFrame => f.type === 'receipts');
    // Five moves within one window: far fewer frames than moves, the last one current.
    expect(frames.length).toBeLessThan(5);

    const late = await RawClient.connect(server.wsUrl, 'late');
    const joined = await join(late, 'seen');
    expect(joined.receipts).toContainEqual({ user: ed.welcome.user, seq });
    expect(joined.receipts?.[0]?.seq).toBeGreaterThanOrEqual(seq);
    for (const c of [di, ed, late]) c.close();
  });
});

describe('unread counts', () => {
  it('count others’ undeleted messages after the watermark and mentions of you, right after a reconnect', async () => {
    const fay = await RawClient.connect(server.wsUrl, 'fay');
    const gus = await RawClient.connect(server.wsUrl, 'gus');
    await create(gus, 'counts');
    await join(gus, 'counts');
    await join(fay, 'counts');
    await send(gus, 'counts', 'one');
    const mention = await send(gus, 'counts', 'hey @Fay, look');
    await send(gus, 'counts', 'mail fay@example.com'); // not a mention
    await send(gus, 'counts', '@fayette is someone else');
    const gone = await send(gus, 'counts', 'deleted soon @fay');
    await gus.request('ack', { type: 'delete', id: rid('d'), room: 'counts', ref: gone.seq });
    const edited = await send(gus, 'counts', 'edited later');
    await gus.request('ack', { type: 'edit', id: rid('e'), room: 'counts', ref: edited.seq, body: 'now @fay' });
    await gus.request('ack', { type: 'react', id: rid('r'), room: 'counts', ref: edited.seq, emoji: '👍', on: true });
    await send(fay, 'counts', 'my own message');
    const session = fay.welcome.session;
    fay.close();
    await fay.closed;

    const back = await RawClient.connect(server.wsUrl, 'fay', session);
    const rooms = await back.request('rooms', { type: 'rooms', id: rid('r') });
    const mine = rooms.unread?.find((u) => u.room === 'counts');
    expect(mine).toMatchObject({ unread: 5, mentions: 2 });
    const joined = await join(back, 'counts');
    expect(joined.unread).toMatchObject({ unread: 5, mentions: 2, at: joined.room.head });
    // Reading up to the mention leaves the three after it (one of them the edited mention).
    back.sendJson({ type: 'read', room: 'counts', seq: mention.seq });
    await waitUntil(async () => (await counts(back, 'counts'))?.unread === 3, { what: 'counts after read' });
    expect(await counts(back, 'counts')).toMatchObject({ unread: 3, mentions: 1 });
    for (const c of [back, gus]) c.close();
  });

  it('stop at the cap in a busy room', async () => {
    const hal = await RawClient.connect(server.wsUrl, 'hal');
    const ivy = await RawClient.connect(server.wsUrl, 'ivy');
    await create(ivy, 'busy');
    await join(ivy, 'busy');
    await join(hal, 'busy');
    for (let i = 0; i < UNREAD_CAP + 20; i++) await send(ivy, 'busy', i % 10 === 0 ? `@hal ${i}` : `${i}`);
    expect(await counts(hal, 'busy')).toMatchObject({ unread: UNREAD_CAP, mentions: 12 });
    for (const c of [hal, ivy]) c.close();
  });
});
