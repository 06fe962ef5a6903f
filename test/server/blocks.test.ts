/**
 * Handles, guests and blocking, over real sockets (docs/protocol.md, _Blocking_): a guest is
 * marked, an account's name is never refused because a guest holds it, and a blocked user cannot
 * open a DM, post in a 1:1 DM, see status or typing — on one node and across two.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorFrame, StatusFrame, WelcomeFrame } from '../../src/protocol/index.ts';
import { createParleyServer, type ParleyServer } from '../../src/server/index.ts';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { registerForToken as register } from '../support/accounts.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let limited: TestServer;
let n = 0;
const rid = (p: string) => `${p}-${++n}`;
const uid = (c: Client) => c.welcome.user.id;
const open: RawClient[] = [];

async function connect(url: string, nick: string, token?: string): Promise<Client> {
  const c = await RawClient.connect(token ? `${url}?token=${encodeURIComponent(token)}` : url, nick);
  open.push(c);
  return c;
}
const errorOf = async (c: RawClient, frame: Record<string, unknown>): Promise<ErrorFrame> => {
  const id = rid('x');
  c.sendJson({ ...frame, id });
  return c.next('error', (e) => e.id === id);
};
const blockReq = (c: RawClient, type: 'block' | 'unblock', user: string) =>
  c.request('blocks', { type, id: rid('b'), user });
/** Joins the room, creating it first when it does not exist yet. */
async function join_(c: RawClient, room: string) {
  await c.request('room', { type: 'create', id: rid('c'), room }).catch(() => undefined);
  return c.request('joined', { type: 'join', id: rid('j'), room });
}
const openDm = (c: RawClient, users: string[]) => c.request('room', { type: 'dm', id: rid('d'), users });
const send = (c: RawClient, room: string, body: string) =>
  c.request('ack', { type: 'send', id: rid('s'), room, kind: 'text', body });
const who = async (c: RawClient, ids: string[]) =>
  (await c.request('status', { type: 'who', id: rid('w'), users: ids })).users.map((u) => u.user.id);

beforeAll(async () => {
  [server, limited] = await Promise.all([startServer(), startServer({ defaultLimits: true })]);
});

afterAll(async () => {
  for (const c of open) c.close();
  await Promise.all([server.dispose(), limited.dispose()]);
});

describe('handles and guests', () => {
  it('marks guests and not accounts, in welcome and in member lists', async () => {
    const token = await register(server.url, 'handle1');
    const acct = await connect(server.wsUrl, 'ignored', token);
    const guest = await connect(server.wsUrl, 'Handle1x');
    expect(acct.welcome.user).toEqual({ id: acct.welcome.user.id, nick: 'handle1' });
    expect(guest.welcome.user.guest).toBe(true);
    await join_(acct, 'handles');
    await join_(guest, 'handles');
    const { members } = await acct.request('members', { type: 'members', id: rid('m'), room: 'handles' });
    expect(members.map((m) => [m.user.nick, m.user.guest ?? false])).toEqual([
      ['handle1', false],
      ['Handle1x', true],
    ]);
  });

  it('registers a name a guest holds right now and signs in with it; a new guest is then refused it', async () => {
    const guest = await connect(server.wsUrl, 'Bobby');
    // The cause of the half-failed sign-up: the account's hello was refused nick_taken.
    const token = await register(server.url, 'bobby');
    const acct = await connect(server.wsUrl, 'bobby', token);
    expect(acct.welcome.user.nick).toBe('bobby');
    expect(acct.welcome.user.guest).toBeUndefined();
    expect(uid(acct)).not.toBe(uid(guest));
    const late = await RawClient.open(server.wsUrl);
    open.push(late);
    late.sendJson({ type: 'hello', v: 1, nick: 'BOBBY' });
    expect((await late.next('error')).code).toBe('nick_taken');
    expect((await late.closed).code).toBe(4400);
    // The guest keeps the name only until it leaves (its next hello is refused too).
    const back = await RawClient.open(server.wsUrl);
    open.push(back);
    back.sendJson({ type: 'hello', v: 1, nick: 'Bobby', session: guest.welcome.session });
    expect((await back.next('error')).code).toBe('nick_taken');
  });
});

describe('blocking', () => {
  let ann: Client;
  let ben: Client;
  let cal: Client;
  let room: string;

  beforeAll(async () => {
    ann = await connect(server.wsUrl, 'ann');
    ben = await connect(server.wsUrl, 'ben');
    cal = await connect(server.wsUrl, 'cal');
    for (const c of [ann, ben, cal]) await join_(c, 'shared');
    room = (await openDm(ben, [uid(ann)])).room.name;
    await join_(ben, room);
    await send(ben, room, 'hi ann');
  });

  it('refuses to block yourself or an unknown id, and answers the list', async () => {
    expect((await errorOf(ann, { type: 'block', user: uid(ann) })).code).toBe('block_invalid');
    expect((await errorOf(ann, { type: 'block', user: 'no-such-user' })).code).toBe('user_unknown');
    expect((await errorOf(ann, { type: 'block', user: '' })).code).toBe('bad_frame');
    expect((await ann.request('blocks', { type: 'blocks', id: rid('l') })).users).toEqual([]);
    // Unblocking someone not blocked changes nothing.
    expect((await blockReq(ann, 'unblock', uid(cal))).users).toEqual([]);
  });

  it('stops a DM, posting in the 1:1 DM, status and typing — only toward the blocker', async () => {
    expect(await who(ben, [uid(ann)])).toEqual([uid(ann)]);
    const told = ben.next('status', (f) => f.id === undefined && f.users.some((u) => u.user.id === uid(ann)));
    const list = await blockReq(ann, 'block', uid(ben));
    expect(list.users).toEqual([{ id: uid(ben), nick: 'ben', guest: true }]);
    // Ben is told ann went offline, without a last seen.
    expect((await told).users).toEqual([{ user: ann.welcome.user, state: 'offline' }]);
    expect(await who(ben, [uid(ann), uid(cal)])).toEqual([uid(cal)]);
    expect((await errorOf(ben, { type: 'dm', users: [uid(ann)] })).code).toBe('blocked');
    expect((await errorOf(ben, { type: 'dm', users: [uid(ann), uid(cal)] })).code).toBe('blocked');
    expect((await errorOf(ben, { type: 'send', room, kind: 'text', body: 'still there?' })).code).toBe('blocked');
    // One direction: ann still writes to ben, and ben still sees cal.
    await ann.request('joined', { type: 'join', id: rid('j'), room });
    await send(ann, room, 'bye');
    expect(await who(ann, [uid(ben)])).toEqual([uid(ben)]);
    // Typing in the shared room reaches cal, not ben; ben's typing still reaches ann.
    const calSees = cal.next('typing', (f) => f.user.id === uid(ann));
    ann.sendJson({ type: 'typing', room: 'shared', on: true });
    await calSees;
    const marker = ann.next('typing', (f) => f.user.id === uid(ben));
    ben.sendJson({ type: 'typing', room: 'shared', on: true });
    await marker;
    expect(ben.frames.some((f) => f.type === 'typing' && f.user.id === uid(ann))).toBe(false);
    // A status change of ann (away) reaches cal but not ben.
    const calStatus = cal.next('status', (f) => f.id === undefined && f.users.some((u) => u.state === 'away'));
    ann.sendJson({ type: 'status', state: 'idle' });
    await calStatus;
    const benFrames = ben.frames.filter((f): f is StatusFrame => f.type === 'status' && f.id === undefined);
    expect(benFrames.flatMap((f) => f.users).filter((u) => u.user.id === uid(ann) && u.state === 'away')).toEqual([]);
  });

  it('unblocks: posting works again and ben sees ann as she is', async () => {
    const told = ben.next('status', (f) => f.id === undefined && f.users.some((u) => u.user.id === uid(ann)));
    expect((await blockReq(ann, 'unblock', uid(ben))).users).toEqual([]);
    expect((await told).users[0]?.state).toBe('away');
    await send(ben, room, 'back');
    expect(await who(ben, [uid(ann)])).toEqual([uid(ann)]);
  });

  it('rate limits a flood of block and unblock like other writes', async () => {
    const a = await connect(limited.wsUrl, 'flooder');
    const b = await connect(limited.wsUrl, 'target');
    for (let i = 0; i < 60; i++) a.sendJson({ type: i % 2 ? 'unblock' : 'block', id: `f${i}`, user: uid(b) });
    const refused = await a.next('error', (e) => e.code === 'rate_limited');
    expect(refused.retryable).toBe(true);
  });
});

describe('blocking across two nodes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-blocks-'));
  const store = new SqliteStore(dataDir);
  const bus = new MemoryBus();
  const presence = new MemoryPresence();
  const limits = new MemoryLimiters();
  const nodes: ParleyServer[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const node = createParleyServer({
        options: { port: 0, host: '127.0.0.1', dataDir, webDir: null, logLevel: 'warn', statusCoalesceMs: 20 },
        store,
        broker: bus.broker(),
        presence,
        files: new DiskStorage(join(dataDir, 'files')),
        limits,
      });
      urls.push(`ws://127.0.0.1:${await node.listen()}/ws`);
      nodes.push(node);
    }
  });

  afterAll(async () => {
    for (const node of nodes) await node.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tells the blocker’s other tab and the blocked user on the other node, and hides typing there', async () => {
    const [u0 = '', u1 = ''] = urls;
    const ada = await connect(u0, 'ada');
    const adaTab = await RawClient.connect(u1, 'ada', ada.welcome.session);
    open.push(adaTab);
    const bo = await connect(u1, 'bo');
    for (const c of [ada, adaTab, bo]) await join_(c, 'both');
    const tabList = adaTab.next('blocks', (f) => f.id === undefined);
    const boTold = bo.next('status', (f) => f.id === undefined && f.users.some((u) => u.state === 'offline'));
    await blockReq(ada, 'block', uid(bo));
    expect((await tabList).users.map((u) => u.id)).toEqual([uid(bo)]);
    expect((await boTold).users[0]?.user.id).toBe(uid(ada));
    // The node of ada's other tab knows the block too: its typing skips bo.
    const adaSees = ada.next('typing', (f) => f.user.id === uid(ada) && f.on);
    adaTab.sendJson({ type: 'typing', room: 'both', on: true });
    await adaSees;
    const boMarker = ada.next('typing', (f) => f.user.id === uid(bo));
    bo.sendJson({ type: 'typing', room: 'both', on: true });
    await boMarker;
    expect(bo.frames.some((f) => f.type === 'typing' && f.user.id === uid(ada))).toBe(false);
    expect((await errorOf(bo, { type: 'dm', users: [uid(ada)] })).code).toBe('blocked');
  });
});
