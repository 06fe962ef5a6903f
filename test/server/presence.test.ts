/**
 * Per-user presence over real sockets: one person over two connections, away when every
 * connection is idle, offline only after the grace period with a durable "last seen", told only
 * to people who share a room, and coalesced per recipient.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusFrame, UserStatus } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

const GRACE_MS = 600;
const WINDOW_MS = 300;

let server: TestServer;
let n = 0;
const rid = (p: string) => `${p}${++n}`;
type Client = RawClient & { welcome: { user: { id: string }; session: string } };

const ack = (c: RawClient, frame: Record<string, unknown>) => c.request('ack', { id: rid('a'), ...frame });
const who = async (c: RawClient, users: string[]): Promise<UserStatus[]> =>
  (await c.request('status', { type: 'who', id: rid('w'), users })).users;
/** Live status frames (no id) this client received about other people. */
const live = (c: Client): StatusFrame[] =>
  c.frames.filter(
    (f): f is StatusFrame =>
      f.type === 'status' && f.id === undefined && f.users.some((u) => u.user.id !== c.welcome.user.id),
  );
const about = (c: Client, userId: string): UserStatus[] =>
  live(c).flatMap((f) => f.users.filter((u) => u.user.id === userId));
const liveStatus = (c: RawClient, userId: string, state: string, timeoutMs = 5_000) =>
  c.next(
    'status',
    (f) => f.id === undefined && f.users.some((u) => u.user.id === userId && u.state === state),
    timeoutMs,
  );

beforeAll(async () => {
  server = await startServer({
    args: ['--presence-grace-ms', String(GRACE_MS), '--status-coalesce-ms', String(WINDOW_MS)],
  });
});

afterAll(async () => {
  await server.dispose();
});

describe('presence per user', () => {
  it('is one status over all connections, told only to room peers, offline after the grace with a durable last seen', async () => {
    const a1 = (await RawClient.connect(server.wsUrl, 'alice')) as Client;
    const a2 = (await RawClient.connect(server.wsUrl, 'alice', a1.welcome.session)) as Client;
    expect(a2.welcome.user.id).toBe(a1.welcome.user.id);
    const alice = a1.welcome.user.id;
    let bob = (await RawClient.connect(server.wsUrl, 'bob')) as Client;
    const eve = (await RawClient.connect(server.wsUrl, 'eve')) as Client;
    // Carol shares the room too: her own going offline marks time for the "nothing changed" check.
    const carol = (await RawClient.connect(server.wsUrl, 'carol')) as Client;
    // Dave is still online when the server stops: he is seen then.
    const dave = (await RawClient.connect(server.wsUrl, 'dave')) as Client;
    await a1.request('room', { type: 'create', id: rid('c'), room: 'hideout', visibility: 'private' });
    await a1.request('joined', { type: 'join', id: rid('j'), room: 'hideout' });
    for (const c of [bob, carol, dave]) await ack(a1, { type: 'invite', room: 'hideout', user: c.welcome.user.id });

    // Two connections are one person, online.
    expect(await who(bob, [alice])).toEqual([{ user: { id: alice, nick: 'alice', guest: true }, state: 'online' }]);
    // A stranger (no shared room; the room is private) learns nothing, not even that the id exists.
    expect(await who(eve, [alice, bob.welcome.user.id])).toEqual([]);

    // One idle connection: still online. Both idle: away.
    a1.sendJson({ type: 'status', state: 'idle' });
    a2.sendJson({ type: 'status', state: 'idle' });
    await liveStatus(bob, alice, 'away');
    expect(about(bob, alice).map((s) => s.state)).toEqual(['away']);
    a2.sendJson({ type: 'status', state: 'active' });
    await liveStatus(bob, alice, 'online');

    // Closing one of the two connections changes nothing for others.
    const before = about(bob, alice).length;
    a1.close();
    carol.close();
    await a1.closed;
    await liveStatus(bob, carol.welcome.user.id, 'offline');
    expect(about(bob, alice).length).toBe(before);
    expect((await who(bob, [alice]))[0]?.state).toBe('online');

    // Closing the last one: offline, but only after the grace period, with last seen.
    const closedAt = Date.now();
    a2.close();
    const offline = await liveStatus(bob, alice, 'offline');
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    const status = offline.users.find((u) => u.user.id === alice);
    expect(status?.lastSeen).toBeGreaterThanOrEqual(closedAt - 50);
    expect(status?.lastSeen).toBeLessThanOrEqual(Date.now());

    // The stranger heard nothing at all (but her own status).
    expect(live(eve)).toEqual([]);
    const own = eve.frames.filter((f) => f.type === 'status' && f.id === undefined);
    expect(own.flatMap((f) => (f.type === 'status' ? f.users.map((u) => u.user.nick) : []))).toEqual(['eve']);

    // Last seen survives a restart.
    bob.close();
    eve.close();
    const stoppedAt = Date.now();
    await server.restart();
    bob = (await RawClient.connect(server.wsUrl, 'bob', bob.welcome.session)) as Client;
    expect(await who(bob, [alice])).toEqual([
      { user: { id: alice, nick: 'alice' }, state: 'offline', lastSeen: status?.lastSeen },
    ]);
    const [daveNow] = await who(bob, [dave.welcome.user.id]);
    expect(daveNow?.state).toBe('offline');
    expect(daveNow?.lastSeen).toBeGreaterThanOrEqual(stoppedAt - 50);
    bob.close();
  });

  it('coalesces a burst of changes into one frame per recipient, and a quick reconnect into none', async () => {
    const watcher = (await RawClient.connect(server.wsUrl, 'watcher')) as Client;
    const others = await Promise.all(['x1', 'x2', 'x3'].map((nick) => RawClient.connect(server.wsUrl, nick)));
    await watcher.request('room', { type: 'create', id: rid('c'), room: 'club' });
    for (const c of [watcher, ...others]) await c.request('joined', { type: 'join', id: rid('j'), room: 'club' });
    const ids = others.map((c) => c.welcome.user.id);

    // Three people go idle, one flickers idle → active → idle: one frame, latest state each.
    for (const c of others) c.sendJson({ type: 'status', state: 'idle' });
    const x1 = others[0] as RawClient;
    x1.sendJson({ type: 'status', state: 'active' });
    x1.sendJson({ type: 'status', state: 'idle' });
    const others$ = (f: StatusFrame) => f.users.filter((u) => u.user.id !== watcher.welcome.user.id);
    const burst = await watcher.next('status', (f) => f.id === undefined && others$(f).length === 3);
    expect(
      others$(burst)
        .map((u) => [u.user.id, u.state])
        .sort(),
    ).toEqual(ids.map((id) => [id, 'away']).sort());

    // A reload (close, then a new connection of the same user within the grace) shows no change.
    // x3 leaves at the same moment: once the watcher hears x3 is offline, x2's grace is over too.
    const x2 = others[1] as Client;
    const x3 = others[2] as Client;
    x2.close();
    x3.close();
    await x2.closed;
    const again = await RawClient.connect(server.wsUrl, 'x2', x2.welcome.session);
    again.sendJson({ type: 'status', state: 'idle' });
    await liveStatus(watcher, ids[2] as string, 'offline', GRACE_MS * 5);
    expect(about(watcher, ids[1] as string).map((s) => s.state)).toEqual(['away']);
    expect(live(watcher).length).toBe(2);
    expect((await who(watcher, [ids[1] as string]))[0]?.state).toBe('away');
    for (const c of [watcher, ...others, again]) c.close();
  });
});
