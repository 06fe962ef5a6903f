/**
 * Blocking and room presence, over real sockets (docs/protocol.md, _Blocking_): a blocked user is
 * never shown the blocker in a room's presence — not in a full view, not in a change — while
 * everyone else is, and the counts keep the blocked user's view in step (`hidden`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceFrame, WelcomeFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let n = 0;
const rid = (p: string) => `${p}-${++n}`;
const uid = (c: Client) => c.welcome.user.id;
const open: RawClient[] = [];
const ROOM = 'lobby-bp';

async function connect(nick: string): Promise<Client> {
  const c = await RawClient.connect(server.wsUrl, nick);
  open.push(c);
  return c;
}
async function join_(c: RawClient, room: string) {
  await c.request('room', { type: 'create', id: rid('c'), room }).catch(() => undefined);
  return c.request('joined', { type: 'join', id: rid('j'), room });
}
const ids = (us: readonly { id: string }[] | undefined) => (us ?? []).map((u) => u.id).sort();
const presenceFrames = (c: RawClient) =>
  c.frames.filter((f): f is PresenceFrame => f.type === 'presence' && f.room === ROOM);
/** Everything `c` was ever told of `who` in the room's presence. */
const toldOf = (c: RawClient, who: string) =>
  presenceFrames(c).filter((f) =>
    [...(f.online ?? []), ...(f.joined ?? []), ...(f.left ?? [])].some((u) => u.id === who),
  );
const full = (c: RawClient, match: (f: PresenceFrame) => boolean = () => true) =>
  c.next('presence', (f) => f.room === ROOM && f.online !== undefined && match(f));

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const c of open) c.close();
  await server.dispose();
});

describe('blocking and room presence', () => {
  let ann: Client;
  let ben: Client;
  let cal: Client;

  beforeAll(async () => {
    ann = await connect('ann');
    ben = await connect('ben');
    cal = await connect('cal');
    for (const c of [ann, ben, cal]) {
      await join_(c, ROOM);
      await full(c, (f) => f.online?.some((u) => u.id === uid(c)) ?? false);
    }
    await ben.next('presence', (f) => f.room === ROOM && (f.joined ?? []).some((u) => u.id === uid(cal)));
  });

  it('a block sends the blocked person the full view without the blocker, saying one is hidden', async () => {
    const start = ben.frames.length;
    await ann.request('blocks', { type: 'block', id: rid('b'), user: uid(ben) });
    const view = await full(ben);
    expect(ids(view.online)).toEqual([uid(ben), uid(cal)].sort());
    expect(view.hidden).toBe(1);
    expect(view.count).toBe(3);
    // Asking again (`online`) answers the same tailored view.
    ben.sendJson({ type: 'online', room: ROOM });
    const again = await full(ben);
    expect(ids(again.online)).toEqual([uid(ben), uid(cal)].sort());
    expect(again.hidden).toBe(1);
    expect(toldOf({ frames: ben.frames.slice(start) } as RawClient, uid(ann))).toEqual([]);
  });

  it('the blocker leaving and coming back is told to others, never to the blocked', async () => {
    const start = ben.frames.length;
    const calLeft = cal.next('presence', (f) => f.room === ROOM && ids(f.left).includes(uid(ann)));
    ann.sendJson({ type: 'leave', id: rid('l'), room: ROOM });
    expect((await calLeft).count).toBe(2);
    // Ben gets the change with nothing in it he may see (so not a large room's bare count).
    const benChange = await ben.next('presence', (f) => f.room === ROOM && f.online === undefined);
    expect(benChange.left).toEqual([]);
    expect(benChange.joined).toBeUndefined();

    const calJoined = cal.next('presence', (f) => f.room === ROOM && ids(f.joined).includes(uid(ann)));
    await join_(ann, ROOM);
    await calJoined;
    // Ben's view then disagrees with the count; his resync is still without ann.
    ben.sendJson({ type: 'online', room: ROOM });
    const view = await full(ben, (f) => f.count === 3);
    expect(ids(view.online)).toEqual([uid(ben), uid(cal)].sort());
    expect(view.hidden).toBe(1);
    expect(toldOf({ frames: ben.frames.slice(start) } as RawClient, uid(ann))).toEqual([]);
  });

  it('a change about someone else reaches the blocked as is, in step with the hidden count', async () => {
    const dan = await connect('dan');
    const benSees = ben.next('presence', (f) => f.room === ROOM && ids(f.joined).includes(uid(dan)));
    await join_(dan, ROOM);
    const change = await benSees;
    // Ben lists ben, cal, dan; ann is the hidden one: 3 + 1 = count.
    expect(change.count).toBe(4);
    // Dan's own view lists ann.
    const danView = await full(dan, (f) => ids(f.online).includes(uid(dan)));
    expect(ids(danView.online)).toContain(uid(ann));
    expect(danView.hidden).toBeUndefined();
  });

  it('the blocked person joining fresh gets a view without the blocker', async () => {
    ben.sendJson({ type: 'leave', id: rid('l'), room: ROOM });
    await cal.next('presence', (f) => f.room === ROOM && ids(f.left).includes(uid(ben)));
    await join_(ben, ROOM);
    const view = await full(ben, (f) => ids(f.online).includes(uid(ben)));
    expect(ids(view.online)).not.toContain(uid(ann));
    expect(view.hidden).toBe(1);
    expect(view.count).toBe((view.online?.length ?? 0) + 1);
  });

  it('an unblock shows the blocker again', async () => {
    await ann.request('blocks', { type: 'unblock', id: rid('u'), user: uid(ben) });
    const view = await full(ben, (f) => ids(f.online).includes(uid(ann)));
    expect(view.hidden).toBeUndefined();
    expect(view.online?.length).toBe(view.count);
  });

  it('without blocks, one frame for all: the blocker’s changes reach everyone', async () => {
    const benSees = ben.next('presence', (f) => f.room === ROOM && ids(f.left).includes(uid(ann)));
    ann.sendJson({ type: 'leave', id: rid('l'), room: ROOM });
    await benSees;
  });
});

describe('blocking and mention counts', () => {
  it('counts mentions by others, not by someone you block; unblocking counts them again', async () => {
    const room = 'mentions-bp';
    const amy = await connect('amy');
    const bo = await connect('bo');
    const cy = await connect('cy');
    for (const c of [amy, bo, cy]) await join_(c, room);
    await amy.request('blocks', { type: 'block', id: rid('b'), user: uid(bo) });
    const send = (c: RawClient, body: string) =>
      c.request('ack', { type: 'send', id: rid('s'), room, kind: 'text', body });
    await send(bo, '@amy look at this');
    await send(bo, 'hey @amy, again');
    await send(cy, '@amy hello');
    const counts = async () => (await amy.request('unread', { type: 'unread', id: rid('u'), room })).counts[0];
    expect(await counts()).toMatchObject({ unread: 3, mentions: 1 });
    // Across rooms too (the `rooms` answer and a fresh join use the same counts).
    const all = await amy.request('unread', { type: 'unread', id: rid('u') });
    expect(all.counts.find((c) => c.room === room)).toMatchObject({ mentions: 1 });
    // Someone else's count is untouched: cy blocks nobody.
    await send(bo, '@cy too');
    expect((await cy.request('unread', { type: 'unread', id: rid('u'), room })).counts[0]).toMatchObject({
      mentions: 1,
    });
    await amy.request('blocks', { type: 'unblock', id: rid('u'), user: uid(bo) });
    expect(await counts()).toMatchObject({ mentions: 3 });
  });
});
