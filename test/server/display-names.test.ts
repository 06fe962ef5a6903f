/**
 * Display names over real sockets (docs/protocol.md, _Display names_): an account sets, changes
 * and clears its name; hostile names are refused with display_name_invalid and the connection
 * survives; guests are refused; the name reaches the user's other tabs and the people who share a
 * room with them, members and presence carry it, and it survives a restart — on one node, across
 * two in one process, and across two processes on PostgreSQL and Redis (a node started after a
 * rename lists the new name).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayNameSchema } from '../../src/protocol/schema.ts';
import type { ErrorFrame, WelcomeFrame } from '../../src/protocol/index.ts';
import { createParleyServer, type ParleyServer } from '../../src/server/index.ts';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import * as v from 'valibot';
import { Redis } from 'ioredis';
import { RawClient } from '../support/raw-client.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';
import {
  createTestDatabase,
  hasPostgres,
  hasRedis,
  REDIS_URL,
  dropRedisPrefix,
  redisTestPrefix,
  type TestDatabase,
} from '../support/services.ts';
import { registerForToken as register } from '../support/accounts.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let n = 0;
const rid = (p: string) => `${p}-${++n}`;
const uid = (c: Client) => c.welcome.user.id;
const open: RawClient[] = [];

async function connect(url: string, nick: string, token?: string, session?: string): Promise<Client> {
  const c = await RawClient.connect(token ? `${url}?token=${encodeURIComponent(token)}` : url, nick, session);
  open.push(c);
  return c;
}
const setName = (c: RawClient, name: string) => c.request('profile', { type: 'profile', id: rid('p'), name });
const refused = async (c: RawClient, name: unknown): Promise<ErrorFrame> => {
  const id = rid('x');
  c.sendJson({ type: 'profile', id, name });
  return c.next('error', (e) => e.id === id);
};
async function join_(c: RawClient, room: string) {
  await c.request('room', { type: 'create', id: rid('c'), room }).catch(() => undefined);
  return c.request('joined', { type: 'join', id: rid('j'), room });
}
const members = async (c: RawClient, room: string) =>
  (await c.request('members', { type: 'members', id: rid('m'), room })).members.map((m) => m.user);

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const c of open) c.close();
  await server.dispose();
});

describe('display names', () => {
  it('sets, changes and clears a name: answered with profile, seen in welcome, members and presence', async () => {
    const token = await register(server.url, 'dn_ann');
    const ann = await connect(server.wsUrl, 'x', token);
    expect(ann.welcome.user).toEqual({ id: uid(ann), nick: 'dn_ann' });
    const set = await setName(ann, '  Ann \n\t  Lee  ');
    expect(set.user).toEqual({ id: uid(ann), nick: 'dn_ann', name: 'Ann Lee' });
    await join_(ann, 'dn-room');
    expect(await members(ann, 'dn-room')).toEqual([{ id: uid(ann), nick: 'dn_ann', name: 'Ann Lee' }]);
    // A second tab: its hello loads the name; a peer's full view shows it.
    const tab = await connect(server.wsUrl, 'x', token);
    expect(tab.welcome.user.name).toBe('Ann Lee');
    const guest = await connect(server.wsUrl, 'dn-guest');
    await join_(guest, 'dn-room');
    const view = await guest.next('presence', (p) => p.room === 'dn-room' && p.online !== undefined);
    expect(view.online?.find((u) => u.id === uid(ann))).toEqual({ id: uid(ann), nick: 'dn_ann', name: 'Ann Lee' });
    // Clearing: '' (the other tab hears it without an id).
    const heard = tab.next('profile', (f) => f.id === undefined);
    expect((await setName(ann, '')).user).toEqual({ id: uid(ann), nick: 'dn_ann' });
    expect((await heard).user).toEqual({ id: uid(ann), nick: 'dn_ann' });
    expect(await members(guest, 'dn-room')).toContainEqual({ id: uid(ann), nick: 'dn_ann' });
  });

  it('refuses a guest with account_required, and the connection survives', async () => {
    const guest = await connect(server.wsUrl, 'dn-guest2');
    const err = await refused(guest, 'Guest Name');
    expect(err.code).toBe('account_required');
    await guest.request('pong', { type: 'ping', id: rid('ping') });
  });

  it('refuses hostile names with display_name_invalid and keeps the connection', async () => {
    const token = await register(server.url, 'dn_hostile');
    const c = await connect(server.wsUrl, 'x', token);
    const hostile: unknown[] = [
      'a'.repeat(65),
      '😀'.repeat(65),
      'evil\u202ereversed',
      'iso\u2066late\u2069',
      '\u200b',
      '\u200b\u200c\u200d',
      '\ufe0f',
      'zero\u200bwidth',
      'bell\u0007',
      'nul\u0000',
      'c1\u0085x',
      '\u3164',
      42,
      null,
      ['a'],
      'x'.repeat(5000),
    ];
    for (const name of hostile)
      expect((await refused(c, name)).code, JSON.stringify(name)).toMatch(/display_name_invalid|bad_frame/);
    // Still fine, and a name with emoji parts and any script is kept.
    expect((await setName(c, '👩‍💻 Zoë 李')).user.name).toBe('👩‍💻 Zoë 李');
    expect((await setName(c, '😀'.repeat(64))).user.name).toBe('😀'.repeat(64));
    // Whitespace only clears.
    expect((await setName(c, ' \t ')).user.name).toBeUndefined();
  });

  it('accepts only clean names (seeded property over hostile alphabets)', () => {
    const alphabet = [
      'a',
      'Z',
      ' ',
      '\t',
      '\n',
      '\u00a0',
      '\u3000',
      '\u200b',
      '\u200d',
      '\u202e',
      '\u2066',
      '\u0007',
      '\u007f',
      '\u0085',
      '\ufe0f',
      '\ud800',
      '\udc00',
      'é',
      'e\u0301',
      '李',
      '😀',
      '\u{e0041}',
      '\u2800',
      '\u3164',
      '\u00ad',
    ];
    const rnd = seededRandom(14);
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rnd() * 70);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const r = v.safeParse(displayNameSchema, s);
      if (!r.success) continue;
      const out = r.output;
      expect([...out].length).toBeLessThanOrEqual(64);
      expect(out).toBe(out.trim());
      expect(out).not.toMatch(/\s{2}|[\p{Cc}\u200b\u202a-\u202e\u2066-\u2069\u00ad\u2800\u3164]/u);
      expect(out).not.toMatch(/[\ud800-\udfff]/u);
      // Lone joiners and selectors are the point here.
      // eslint-disable-next-line no-misleading-character-class
      if (out !== '') expect(out.replace(/[\u200d\ufe0f\u{e0020}-\u{e007f}]/gu, '').trim()).not.toBe('');
    }
  });

  it('tells the people who share a room, not strangers; events keep only id and nick', async () => {
    const [tokA, tokB, tokC] = await Promise.all(['dn_a', 'dn_b', 'dn_c'].map((u) => register(server.url, u)));
    const a = await connect(server.wsUrl, 'x', tokA);
    const b = await connect(server.wsUrl, 'x', tokB);
    const stranger = await connect(server.wsUrl, 'x', tokC);
    await join_(a, 'dn-shared');
    await join_(b, 'dn-shared');
    await a.request('ack', { type: 'send', id: rid('s'), room: 'dn-shared', kind: 'text', body: 'before' });
    const told = b.next('profile', (f) => f.user.id === uid(a));
    await setName(a, 'Alpha');
    expect((await told).user).toEqual({ id: uid(a), nick: 'dn_a', name: 'Alpha' });
    // The identity of a's connection changed: its next typing signal carries the name.
    const typing = b.next('typing', (f) => f.user.id === uid(a) && f.on);
    a.sendJson({ type: 'typing', room: 'dn-shared', on: true });
    expect((await typing).user.name).toBe('Alpha');
    const ack = await a.request('ack', { type: 'send', id: rid('s'), room: 'dn-shared', kind: 'text', body: 'after' });
    const event = await b.next('event', (e) => e.seq === ack.seq);
    expect(event.sender).toEqual({ id: uid(a), nick: 'dn_a' });
    // The stranger shares no room: a marker sent after the rename arrives with no profile before it.
    await stranger.request('pong', { type: 'ping', id: rid('ping') });
    expect(stranger.frames.some((f) => f.type === 'profile')).toBe(false);
  });

  it('survives a restart', async () => {
    const token = await register(server.url, 'dn_durable');
    const c = await connect(server.wsUrl, 'x', token);
    await setName(c, 'Durable Name');
    c.close();
    await server.restart();
    const again = await connect(server.wsUrl, 'x', token);
    expect(again.welcome.user).toEqual({ id: uid(c), nick: 'dn_durable', name: 'Durable Name' });
  });
});

describe('display names across two nodes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-names-'));
  const store = new SqliteStore(dataDir);
  const bus = new MemoryBus();
  const presence = new MemoryPresence();
  const limits = new MemoryLimiters();
  const nodes: ParleyServer[] = [];
  const bases: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const node = createParleyServer({
        options: { port: 0, host: '127.0.0.1', dataDir, webDir: null, logLevel: 'warn' },
        store,
        broker: bus.broker(),
        presence,
        files: new DiskStorage(join(dataDir, 'files')),
        limits,
      });
      bases.push(`127.0.0.1:${await node.listen()}`);
      nodes.push(node);
    }
  });

  afterAll(async () => {
    for (const node of nodes) await node.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a rename on one node reaches the user’s tab, a peer and presence on the other', async () => {
    const [b0 = '', b1 = ''] = bases;
    const token = await register(`http://${b0}`, 'dn_two');
    const ann = await connect(`ws://${b0}/ws`, 'x', token);
    const tab = await connect(`ws://${b1}/ws`, 'x', token);
    const peer = await connect(`ws://${b1}/ws`, 'dn-peer');
    await join_(ann, 'dn-two');
    await join_(peer, 'dn-two');
    await peer.next('presence', (p) => p.room === 'dn-two' && p.online !== undefined);
    const tabHears = tab.next('profile', (f) => f.id === undefined);
    const peerHears = peer.next('profile', (f) => f.user.id === uid(ann));
    await setName(ann, 'Two Nodes');
    expect((await tabHears).user.name).toBe('Two Nodes');
    expect((await peerHears).user.name).toBe('Two Nodes');
    // Presence stored before the rename: a later full view on the other node shows the new name.
    peer.sendJson({ type: 'online', room: 'dn-two' });
    const view = await peer.next('presence', (p) => p.room === 'dn-two' && p.online !== undefined);
    expect(view.online?.find((u) => u.id === uid(ann))?.name).toBe('Two Nodes');
  });
});

const services = (await hasPostgres('display names')) && (await hasRedis('display names'));

describe.skipIf(!services)('display names across nodes on PostgreSQL and Redis', () => {
  let database: TestDatabase;
  const prefix = redisTestPrefix();
  const servers: TestServer[] = [];
  const args = (node: string): string[] => [
    ...['--store', database.url, '--broker', REDIS_URL, '--redis-prefix', prefix, '--token-secret', 'n'.repeat(32)],
    ...['--node-id', node],
  ];

  beforeAll(async () => {
    database = await createTestDatabase('parley_names');
  });

  afterAll(async () => {
    for (const s of servers) await s.dispose();
    await database?.drop();
    await dropRedisPrefix(prefix);
  });

  it('a node started after a rename lists the new name; a later rename reaches its peers', async () => {
    const b = await startServer({ args: args('names-b') });
    servers.push(b);
    const token = await register(b.url, 'dn_redis');
    const ann = await connect(b.wsUrl, 'x', token);
    await join_(ann, 'dn-redis');
    // Entered presence without a name, then renamed: the shared entry is rewritten.
    await setName(ann, 'Before A');
    // The rewrite travels through the node channel: wait until Redis holds it.
    const redis = new Redis(REDIS_URL);
    try {
      await waitUntil(
        async () => (await redis.hget(`${prefix}presence:room:dn-redis`, uid(ann)))?.includes('Before A'),
        { what: 'the presence entry renamed' },
      );
    } finally {
      redis.disconnect();
    }
    const a = await startServer({ args: args('names-a') });
    servers.push(a);
    const cal = await connect(a.wsUrl, 'dn-cal');
    await join_(cal, 'dn-redis');
    const view = await cal.next('presence', (p) => p.room === 'dn-redis' && p.online !== undefined);
    expect(view.online?.find((u) => u.id === uid(ann))).toEqual({ id: uid(ann), nick: 'dn_redis', name: 'Before A' });
    expect(await members(cal, 'dn-redis')).toContainEqual({ id: uid(ann), nick: 'dn_redis', name: 'Before A' });

    const told = cal.next('profile', (f) => f.user.id === uid(ann));
    await setName(ann, 'After A');
    expect((await told).user.name).toBe('After A');
    cal.sendJson({ type: 'online', room: 'dn-redis' });
    const again = await cal.next('presence', (p) => p.room === 'dn-redis' && p.online !== undefined);
    expect(again.online?.find((u) => u.id === uid(ann))?.name).toBe('After A');
  }, 30_000);
});
