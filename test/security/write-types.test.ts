/**
 * Every frame that writes (a room log event, a new room) is charged to the write buckets, so no
 * write type is an unmetered way to flood a room or the database. Reads are not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WelcomeFrame } from '../../src/protocol/index.ts';
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

/** The frame of each write type (valid for the schema; whether the handler accepts it does not matter). */
const WRITES: Record<string, (room: string, user: string) => Record<string, unknown>> = {
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
};

/** The error code answering the second of two frames sent back to back (the first spends the burst). */
async function secondRefusal(frame: Record<string, unknown>): Promise<string> {
  const c = await RawClient.open(server.wsUrl);
  try {
    c.sendJson({ type: 'hello', v: 1, nick: `w${++n}` });
    await c.next('welcome');
    c.sendJson({ ...frame, id: `a${n}` });
    c.sendJson({ ...frame, id: `b${n}` });
    return (await c.next('error', (f) => f.id === `b${n}`)).code;
  } finally {
    c.close();
  }
}

describe('write frames are rate-limited', () => {
  for (const [type, make] of Object.entries(WRITES)) {
    it(`${type}: the second one past a burst of 1 gets rate_limited`, async () => {
      expect(await secondRefusal(make('general', other.welcome.user.id))).toBe('rate_limited');
    });
  }

  it('reads are not: two history requests in a row both pass the write limit', async () => {
    const c = await RawClient.connect(server.wsUrl, 'reader');
    await c.request('joined', { type: 'join', id: 'j', room: 'general' });
    await c.request('history', { type: 'history', id: 'h1', room: 'general' });
    await c.request('history', { type: 'history', id: 'h2', room: 'general' });
    c.close();
  });
});
