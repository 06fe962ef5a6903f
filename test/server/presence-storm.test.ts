/**
 * Joins and presence cost O(1) per join for the room's other members (issue 13 point 4): a join
 * storm into one room, real server and sockets. Each member gets one full view, then changes
 * (names while the room is small, a count once it is large); joins are logged only while small.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';
import { makeClient } from '../client/helpers.ts';

/** `--large-room-online` for this server: small, so a storm of a few hundred crosses it. */
const LARGE = 60;
const STORM = 240;

let server: TestServer;
const open: RawClient[] = [];

beforeAll(async () => {
  server = await startServer({ args: ['--large-room-online', String(LARGE)] });
});
afterAll(async () => {
  for (const c of open) c.ws.close();
  await server?.dispose();
});

type Member = Awaited<ReturnType<typeof RawClient.connect>>;

async function clients(prefix: string, n: number): Promise<Member[]> {
  const out: Member[] = [];
  for (let i = 0; i < n; i += 40) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(40, n - i) }, (_, k) => RawClient.connect(server.wsUrl, `${prefix}${i + k}`)),
    );
    out.push(...batch);
  }
  open.push(...out);
  return out;
}

const presenceOf = (c: RawClient, room: string) =>
  c.frames.filter((f): f is Extract<ServerFrame, { type: 'presence' }> => f.type === 'presence' && f.room === room);
const entries = (c: RawClient, room: string): number =>
  presenceOf(c, room).reduce(
    (n, f) => n + (f.online?.length ?? 0) + (f.joined?.length ?? 0) + (f.left?.length ?? 0),
    0,
  );
const presenceBytes = (c: RawClient, room: string): number =>
  presenceOf(c, room).reduce((n, f) => n + JSON.stringify(f).length, 0);
const last = (c: RawClient, room: string) => presenceOf(c, room).at(-1);
/** How many presence entries of the room name the user (in full views and in changes). */
const naming = (c: RawClient, room: string, nick: string): number =>
  presenceOf(c, room).reduce(
    (n, f) => n + [...(f.online ?? []), ...(f.joined ?? []), ...(f.left ?? [])].filter((u) => u.nick === nick).length,
    0,
  );

/** Every seq the client was sent for the room, once, none skipped, from its join on. */
function gapFree(c: RawClient, room: string, from: number): void {
  const seqs = c.events(room);
  expect(seqs).toEqual(seqs.map((_, i) => from + 1 + i));
}

describe('a join storm into one room', () => {
  it('costs each member O(1) presence entries and join events per join; counts once large', async () => {
    const creator = await RawClient.connect(server.wsUrl, 'storm-owner');
    open.push(creator);
    await creator.request('room', { type: 'create', id: 'c', room: 'storm' });
    const sdk = makeClient(server.wsUrl, 'storm-sdk');
    await sdk.join('storm');
    const all = await clients('s', STORM);
    const answers = await Promise.all(
      all.map((c, i) => c.request('joined', { type: 'join', id: `j${i}`, room: 'storm' })),
    );
    const online = STORM + 1; // the SDK client too (the owner only created the room)
    // Everyone hears the count settle; the room is large, so the last word is a count.
    await waitUntil(() => all.every((c) => last(c, 'storm')?.count === online), { what: 'every count settled' });
    for (const [i, c] of all.entries()) {
      // One full view, then changes: never more entries than the names a small room has, twice
      // (the full list every time would be about STORM²/2 / flushes entries per member).
      expect(entries(c, 'storm')).toBeLessThanOrEqual(2 * LARGE);
      expect(presenceBytes(c, 'storm')).toBeLessThan(100 * STORM);
      expect(last(c, 'storm')).toEqual({ type: 'presence', room: 'storm', count: online });
      gapFree(c, 'storm', answers[i]!.from);
    }
    // Joins are logged only while the room is small: at most LARGE + 1 join events in all.
    const head = (await creator.request('history', { type: 'history', id: 'h', room: 'storm', after: 0, limit: 200 }))
      .events;
    const joins = head.filter((e) => e.kind === 'join').length;
    expect(joins).toBeGreaterThan(0);
    expect(joins).toBeLessThanOrEqual(LARGE + 2);
    for (const c of all)
      expect(c.frames.filter((f) => f.type === 'event' && f.kind === 'join').length).toBeLessThanOrEqual(joins);
    // Membership is durable and counted, quiet joins included.
    const members = await creator.request('members', { type: 'members', id: 'm', room: 'storm' });
    expect(members.members).toHaveLength(STORM + 1);
    expect(members).toMatchObject({ more: false, total: STORM + 1 });
    const rooms = await creator.request('rooms', { type: 'rooms', id: 'r' });
    expect(rooms.rooms.find((r) => r.name === 'storm')?.members).toBe(STORM + 1);
    // A quiet joiner's own log says so (its other devices learn of the room).
    const quiet = all.at(-1)!;
    const synced = await quiet.request('synced', { type: 'sync', id: 'y', after: 0 });
    expect(synced).toBeTruthy();
    await quiet.next('user', (u) => u.kind === 'member' && u.room === 'storm' && u.cause === 'join');
    // The SDK shows the count, no names, in a large room.
    await waitUntil(() => sdk.online('storm')?.count === online, { what: 'the SDK count' });
    expect(sdk.online('storm')?.online).toEqual([]);

    // Most leave (some by leave, the rest by closing): the room is small again, and everyone
    // left gets the full view once, then the SDK's view equals the server's.
    const [goByLeave, goByClose, stay] = [all.slice(0, 100), all.slice(100, 200), all.slice(200)];
    await Promise.all(goByLeave.map((c, i) => c.request('left', { type: 'leave', id: `l${i}`, room: 'storm' })));
    for (const c of goByClose) c.ws.close();
    const remaining = [...stay.map((c) => c.welcome.user.nick), 'storm-sdk'].sort();
    for (const c of stay) await c.onlineWhen('storm', (nicks) => nicks.join() === remaining.join(), 10_000);
    await waitUntil(
      () =>
        sdk
          .online('storm')
          ?.online.map((u) => u.nick)
          .join() === remaining.join(),
      {
        what: 'the SDK to converge',
      },
    );
    expect(sdk.online('storm')?.count).toBe(remaining.length);
    for (const [k, c] of stay.entries()) gapFree(c, 'storm', answers[200 + k]!.from);
    // Leaves are durable: members left the room; those who closed are still members.
    const after = await creator.request('members', { type: 'members', id: 'm2', room: 'storm' });
    expect(after.members).toHaveLength(STORM + 1 - goByLeave.length);
    expect(after.total).toBe(STORM + 1 - goByLeave.length);
  }, 60_000);

  it('a late joiner of a small room gets the full list once; others get one entry for it', async () => {
    const owner = await RawClient.connect(server.wsUrl, 'small-owner');
    open.push(owner);
    await owner.request('room', { type: 'create', id: 'c', room: 'small' });
    const early = await clients('e', 20);
    await Promise.all(early.map((c, i) => c.request('joined', { type: 'join', id: `j${i}`, room: 'small' })));
    const nicks = early.map((c) => c.welcome.user.nick).sort();
    for (const c of early) await c.onlineWhen('small', (n) => n.join() === nicks.join());
    const late = await RawClient.connect(server.wsUrl, 'late');
    open.push(late);
    const j = await late.request('joined', { type: 'join', id: 'jl', room: 'small' });
    const full = await late.next('presence', (p) => p.room === 'small');
    expect(full.online?.map((u) => u.nick).sort()).toEqual([...nicks, 'late'].sort());
    expect(full.count).toBe(21);
    // Guests are listed as guests: an app marks them without loading the member list.
    expect(full.online?.every((u) => u.guest === true)).toBe(true);
    // One entry each for the late join. (A change from before it may still come after the full
    // view it repeats, as the protocol allows: the view goes to its viewer, the change to the room.)
    for (const c of early) {
      await c.onlineWhen('small', (n) => n.includes('late'));
      expect(naming(c, 'small', 'late')).toBe(1);
    }
    // The joiner never gets the whole list again for changes.
    await early[0]!.request('left', { type: 'leave', id: 'l', room: 'small' });
    await late.onlineWhen('small', (n) => !n.includes(early[0]!.welcome.user.nick));
    expect(presenceOf(late, 'small').filter((f) => f.online !== undefined)).toHaveLength(1);
    gapFree(late, 'small', j.from);
  });

  it('an online request answers with the full view, only for a joined room; junk changes nothing', async () => {
    const c = await RawClient.connect(server.wsUrl, 'asker');
    open.push(c);
    await c.request('joined', { type: 'join', id: 'j', room: 'general' });
    await c.next('presence', (p) => p.room === 'general' && p.online !== undefined);
    // Not joined: ignored (no answer, no error). Bad frames: an error, the socket stays.
    c.sendJson({ type: 'online', room: 'storm' });
    c.sendJson({ type: 'online', room: 'x'.repeat(500) });
    c.sendJson({ type: 'online' });
    c.sendJson({ type: 'online', room: ['general'] });
    for (let i = 0; i < 30; i++) c.sendJson({ type: 'online', room: 'general' });
    const pong = await c.request('pong', { type: 'ping', id: 'p' });
    expect(pong.type).toBe('pong');
    const errors = c.frames.filter((f) => f.type === 'error');
    expect(errors.map((e) => e.type === 'error' && e.code)).toEqual(['room_invalid', 'room_invalid', 'room_invalid']);
    // Thirty asks in one turn share a flush: far fewer full views than asks, none for the other room.
    const views = c.frames.filter((f) => f.type === 'presence' && f.online !== undefined);
    expect(views.every((f) => f.type === 'presence' && f.room === 'general')).toBe(true);
    expect(views.length).toBeLessThan(30);
  });
});
