/**
 * Every frame that writes (a room log event, a new room) is charged to the write buckets, so no
 * write type is an unmetered way to flood a room or the database. Reads are not. The lists below
 * are checked against the protocol's frame types and the server's WRITE_TYPES, so a new frame
 * type cannot slip past this file unclassified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_FRAME_TYPES, type ErrorFrame, type WelcomeFrame } from '../../src/protocol/index.ts';
import { WRITE_TYPES } from '../../src/server/limits/user-limits.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let other: Client;
let n = 0;

beforeAll(async () => {
  // One write per connection, never refilled; the user bucket and the frame bucket stay relaxed.
  server = await startServer({
    args: ['--conn-writes-burst', '1', '--conn-writes-per-sec', '0', '--rate-strikes', '1000'],
  });
  other = await RawClient.connect(server.wsUrl, 'other');
});

afterAll(async () => {
  other.close();
  await server.dispose();
});

type Make = (room: string, user: string) => Record<string, unknown>;

/** The frame of each write type (valid for the schema; whether the handler accepts it does not matter). */
const WRITES: Record<string, Make> = {
  create: (room) => ({ type: 'create', room: `${room}-new` }),
  dm: (_room, user) => ({ type: 'dm', users: [user] }),
  rename: (room) => ({ type: 'rename', room, title: 'New title' }),
  topic: (room) => ({ type: 'topic', room, topic: 'New topic' }),
  send: (room) => ({ type: 'send', room, kind: 'text', body: 'hi' }),
  edit: (room) => ({ type: 'edit', room, ref: 1, body: 'changed' }),
  delete: (room) => ({ type: 'delete', room, ref: 1 }),
  react: (room) => ({ type: 'react', room, ref: 1, emoji: '👍', on: true }),
  invite: (room, user) => ({ type: 'invite', room, user }),
  kick: (room, user) => ({ type: 'kick', room, user }),
  ban: (room, user) => ({ type: 'ban', room, user }),
  unban: (room, user) => ({ type: 'unban', room, user }),
  role: (room, user) => ({ type: 'role', room, user, role: 'moderator' }),
  block: (_room, user) => ({ type: 'block', user }),
  unblock: (_room, user) => ({ type: 'unblock', user }),
  profile: () => ({ type: 'profile', name: 'Someone Else' }),
};

/** Every other frame type after hello: reads, and ephemeral signals that store nothing. */
const READS: Record<string, Make> = {
  rooms: () => ({ type: 'rooms' }),
  join: (room) => ({ type: 'join', room }),
  leave: () => ({ type: 'leave', room: 'elsewhere' }),
  history: (room) => ({ type: 'history', room }),
  typing: (room) => ({ type: 'typing', room, on: true }),
  status: () => ({ type: 'status', state: 'active' }),
  who: (_room, user) => ({ type: 'who', users: [user] }),
  read: (room) => ({ type: 'read', room, seq: 0 }),
  sync: () => ({ type: 'sync' }),
  unread: () => ({ type: 'unread' }),
  ping: () => ({ type: 'ping' }),
  online: (room) => ({ type: 'online', room }),
  search: () => ({ type: 'search', q: 'hello' }),
  members: (room) => ({ type: 'members', room }),
  blocks: () => ({ type: 'blocks' }),
};

/** A connection past hello whose one write token is spent (its second send was refused). */
async function spentWriter(): Promise<RawClient> {
  const c = await RawClient.open(server.wsUrl);
  c.sendJson({ type: 'hello', v: 1, nick: `w${++n}` });
  await c.next('welcome');
  await c.request('joined', { type: 'join', id: 'j', room: 'general' });
  await c.request('ack', { type: 'send', id: 'spend', room: 'general', kind: 'text', body: 'spend' });
  const refused = await c
    .request('ack', { type: 'send', id: 'spent', room: 'general', kind: 'text', body: 'spent' })
    .then(
      () => undefined,
      (err: { frame?: ErrorFrame }) => err.frame?.code,
    );
  expect(refused, 'the write bucket is empty').toBe('rate_limited');
  return c;
}

const rateLimited = (c: RawClient, id?: string): ErrorFrame[] =>
  c.frames.filter((f): f is ErrorFrame => f.type === 'error' && f.code === 'rate_limited' && f.id === id);

describe('every frame type is classified', () => {
  it('as a write (the server charges it) or a read, and the lists match the server', () => {
    const listed = [...Object.keys(WRITES), ...Object.keys(READS), 'hello'].sort();
    expect(listed).toEqual([...CLIENT_FRAME_TYPES].sort());
    expect(Object.keys(WRITES).sort()).toEqual([...WRITE_TYPES].sort());
  });
});

describe('write frames are rate-limited', () => {
  for (const [type, make] of Object.entries(WRITES)) {
    it(`${type}: the first passes the limit, the second past a burst of 1 gets rate_limited`, async () => {
      const c = await RawClient.open(server.wsUrl);
      try {
        c.sendJson({ type: 'hello', v: 1, nick: `w${++n}` });
        await c.next('welcome');
        const frame = make('general', other.welcome.user.id);
        c.sendJson({ ...frame, id: `a${n}` });
        c.sendJson({ ...frame, id: `b${n}` });
        const second = await c.next('error', (f) => f.id === `b${n}`);
        expect(second.code).toBe('rate_limited');
        expect(second.retryAfterMs).toBeGreaterThan(0);
        // Refusals are answered on receipt, in order: had the first been refused, it would show by now.
        expect(rateLimited(c, `a${n}`)).toEqual([]);
        // Only writes are spent: a read on the same connection still passes.
        await c.request('pong', { type: 'ping', id: `p${n}` });
      } finally {
        c.close();
      }
    });
  }
});

describe('reads are not charged to the write buckets', () => {
  it('every read type passes twice on a connection whose write bucket is empty', async () => {
    const c = await spentWriter();
    try {
      for (const [type, make] of Object.entries(READS)) {
        const frame = make('general', other.welcome.user.id);
        c.sendJson({ ...frame, id: `${type}-1` });
        c.sendJson({ ...frame, id: `${type}-2` });
      }
      // Frames are admitted (or refused) on receipt, in order: by this pong every verdict is out.
      await c.request('pong', { type: 'ping', id: 'last' });
      for (const type of Object.keys(READS)) {
        expect(rateLimited(c, `${type}-1`), type).toEqual([]);
        expect(rateLimited(c, `${type}-2`), type).toEqual([]);
      }
      // The ones that answer with their id did answer, with something other than a refusal.
      for (const type of ['rooms', 'history', 'who', 'ping', 'members', 'unread', 'search']) {
        const answers = c.frames.filter((f) => 'id' in f && f.id === `${type}-2`);
        expect(answers.length, `${type} answered`).toBeGreaterThan(0);
      }
      // And the bucket is still empty: reads did not refill or bypass it.
      c.sendJson({ type: 'send', id: 'still-spent', room: 'general', kind: 'text', body: 'x' });
      expect((await c.next('error', (f) => f.id === 'still-spent')).code).toBe('rate_limited');
    } finally {
      c.close();
    }
  });
});
