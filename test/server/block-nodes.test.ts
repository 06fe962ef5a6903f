/**
 * Blocking across nodes (docs/protocol.md, _Blocking_): two real servers sharing one PostgreSQL
 * database and one Redis broker. The blocker is on node B and blocked the viewer before node A
 * started, so A's book never heard of the block: what keeps the blocker out of the viewer's room
 * presence is A's own knowledge of who blocks the viewer (loaded at the viewer's hello), applied
 * to every presence frame A delivers — full views, changes relayed from B, and the full view A
 * sends the whole room when it stops being large. After an unblock the viewer sees the blocker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceFrame, WelcomeFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import {
  createTestDatabase,
  hasPostgres,
  hasRedis,
  REDIS_URL,
  dropRedisPrefix,
  redisTestPrefix,
  type TestDatabase,
} from '../support/services.ts';
import { waitUntil } from '../support/wait.ts';

type Client = RawClient & { welcome: WelcomeFrame };

const services = (await hasPostgres('block nodes')) && (await hasRedis('block nodes'));
const ROOM = 'block-nodes';
const SECRET = 'b'.repeat(32);
let n = 0;
const rid = (p: string) => `${p}-${++n}`;
const uid = (c: Client) => c.welcome.user.id;
const ids = (us: readonly { id: string }[] | undefined) => (us ?? []).map((u) => u.id).sort();
const presence = (c: RawClient, from = 0) =>
  c.frames.slice(from).filter((f): f is PresenceFrame => f.type === 'presence' && f.room === ROOM);
/** The presence frames `c` got (from index `from`) that name `who`. */
const toldOf = (c: RawClient, who: string, from = 0) =>
  presence(c, from).filter((f) =>
    [...(f.online ?? []), ...(f.joined ?? []), ...(f.left ?? [])].some((u) => u.id === who),
  );
/** The first full view `c` got from index `from` on that matches. */
const fullView = (c: RawClient, from: number, what: string, match: (f: PresenceFrame) => boolean = () => true) =>
  waitUntil(() => presence(c, from).find((f) => f.online !== undefined && match(f)), { what });

describe.skipIf(!services)('blocking across nodes on PostgreSQL and Redis', () => {
  let database: TestDatabase;
  const prefix = redisTestPrefix();
  const servers: TestServer[] = [];
  const open: RawClient[] = [];
  let a: TestServer;
  let b: TestServer;
  let vic: Client;
  let cal: Client;
  let bea: Client;

  const args = (node: string): string[] => [
    ...['--store', database.url, '--broker', REDIS_URL, '--redis-prefix', prefix, '--token-secret', SECRET],
    ...['--node-id', node, '--large-room-online', '3'],
  ];
  async function connect(server: TestServer, nick: string, session?: string): Promise<Client> {
    const c = await RawClient.connect(server.wsUrl, nick, session);
    open.push(c);
    return c;
  }
  const join = (c: RawClient) => c.request('joined', { type: 'join', id: rid('j'), room: ROOM });
  const leave = (c: RawClient) => c.request('left', { type: 'leave', id: rid('l'), room: ROOM });
  /** cal (node A, blocked by nobody) sees a frame about `who` matching `match`. */
  const calSees = (from: number, who: Client, what: string, match: (f: PresenceFrame) => boolean) =>
    waitUntil(() => toldOf(cal, uid(who), from).find(match), { what });

  beforeAll(async () => {
    database = await createTestDatabase('parley_blk');
    b = await startServer({ args: args('blk-b') });
    servers.push(b);
    // The block is made while only node B runs: node A starts knowing nothing of it.
    const vicFirst = await connect(b, 'vic');
    bea = await connect(b, 'bea');
    await bea.request('blocks', { type: 'block', id: rid('b'), user: uid(vicFirst) });
    vicFirst.close();
    a = await startServer({ args: args('blk-a') });
    servers.push(a);
    vic = await connect(a, 'vic', vicFirst.welcome.session);
    expect(uid(vic)).toBe(uid(vicFirst));
    cal = await connect(a, 'cal');
    await bea.request('room', { type: 'create', id: rid('c'), room: ROOM });
    await join(bea);
    await join(cal);
    await fullView(cal, 0, 'cal’s view with bea', (f) => ids(f.online).includes(uid(bea)));
    await join(vic);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    for (const server of servers) await server.dispose();
    await database?.drop();
    await dropRedisPrefix(prefix);
  });

  it('the viewer’s full view on node A leaves out the blocker on node B', async () => {
    const view = await fullView(vic, 0, 'vic’s view', (f) => ids(f.online).includes(uid(vic)));
    expect(ids(view.online)).toEqual([uid(vic), uid(cal)].sort());
    expect(view).toMatchObject({ count: 3, hidden: 1 });
  });

  it('changes about the blocker relayed from node B never name the blocker to the viewer', async () => {
    const from = vic.frames.length;
    const calFrom = cal.frames.length;
    await leave(bea);
    await calSees(calFrom, bea, 'bea leaving, on cal', (f) => ids(f.left).includes(uid(bea)));
    await join(bea);
    await calSees(calFrom, bea, 'bea back, on cal', (f) => ids(f.joined).includes(uid(bea)));
    // Vic got both changes, emptied (`left: []`), with the counts of everyone.
    const changes = await waitUntil(
      () => {
        const got = presence(vic, from).filter((f) => f.online === undefined);
        return got.length >= 2 ? got : undefined;
      },
      { what: 'vic’s two changes' },
    );
    expect(changes.map((f) => [f.count, f.joined, f.left])).toEqual([
      [2, undefined, []],
      [3, undefined, []],
    ]);
    // Typing from node B skips vic too: cal's typing (after bea's) reaches vic, bea's never.
    bea.sendJson({ type: 'typing', room: ROOM, on: true });
    await cal.next('typing', (f) => f.user.id === uid(bea));
    cal.sendJson({ type: 'typing', room: ROOM, on: true });
    await vic.next('typing', (f) => f.user.id === uid(cal));
    expect(vic.frames.some((f) => f.type === 'typing' && f.user.id === uid(bea))).toBe(false);
    expect(toldOf(vic, uid(bea))).toEqual([]);
  });

  it('the full view node A sends the whole room (no longer large) leaves out the blocker for the viewer', async () => {
    const from = vic.frames.length;
    const calFrom = cal.frames.length;
    const dan = await connect(a, 'dan');
    await join(dan);
    // Four online, more than --large-room-online 3: a count only.
    await waitUntil(() => presence(cal, calFrom).find((f) => f.count === 4 && f.online === undefined && !f.joined), {
      what: 'the large room’s count on cal',
    });
    await leave(dan);
    const calView = await fullView(cal, calFrom, 'cal’s full view after the room shrank', (f) => f.count === 3);
    expect(ids(calView.online)).toContain(uid(bea));
    const vicView = await fullView(vic, from, 'vic’s full view after the room shrank', (f) => f.count === 3);
    expect(ids(vicView.online)).toEqual([uid(vic), uid(cal)].sort());
    expect(vicView.hidden).toBe(1);
    expect(toldOf(vic, uid(bea))).toEqual([]);
  });

  it('after an unblock the viewer sees the blocker again: full view, changes, whole-room view', async () => {
    let from = vic.frames.length;
    await bea.request('blocks', { type: 'unblock', id: rid('u'), user: uid(vic) });
    const view = await fullView(vic, from, 'vic’s view after the unblock', (f) => ids(f.online).includes(uid(bea)));
    expect(view.hidden).toBeUndefined();
    expect(view.online).toHaveLength(3);

    from = vic.frames.length;
    await leave(bea);
    await waitUntil(() => toldOf(vic, uid(bea), from).find((f) => ids(f.left).includes(uid(bea))), {
      what: 'bea leaving, on vic',
    });
    await join(bea);
    await waitUntil(() => toldOf(vic, uid(bea), from).find((f) => ids(f.joined).includes(uid(bea))), {
      what: 'bea back, on vic',
    });

    from = vic.frames.length;
    const dan = await connect(a, 'dan2');
    await join(dan);
    await waitUntil(() => presence(vic, from).find((f) => f.count === 4 && f.online === undefined && !f.joined), {
      what: 'the large room’s count on vic',
    });
    await leave(dan);
    const whole = await fullView(vic, from, 'vic’s full view after the room shrank', (f) => f.count === 3);
    expect(ids(whole.online)).toContain(uid(bea));
    expect(whole.hidden).toBeUndefined();
    expect(vic.online(ROOM)).toContain('bea');
  });
});
