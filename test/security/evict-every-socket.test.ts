/**
 * A ban or kick is per user, not per socket: every live connection of the user (tabs, devices)
 * loses the room at once, and none of them can still reach the room's people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WelcomeFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let owner: Client;
let n = 0;
const rid = (p: string): string => `${p}-${++n}`;

/** Every frame the server wrote to this socket before now has arrived. */
const barrier = async (c: RawClient): Promise<void> => {
  const id = rid('p');
  c.sendJson({ type: 'ping', id });
  await c.next('pong', (f) => f.id === id);
};

beforeAll(async () => {
  server = await startServer();
  owner = await RawClient.connect(server.wsUrl, 'owner');
});

afterAll(async () => {
  owner.close();
  await server.dispose();
});

describe('eviction reaches every socket of the user', () => {
  for (const [action, visibility] of [
    ['ban', 'public'],
    ['kick', 'private'],
  ] as const) {
    it(`${action} in a ${visibility} room: all three tabs get removed, no later events, no typing through`, async () => {
      const room = `${action}-${visibility}`;
      await owner.request('room', { type: 'create', id: rid('c'), room, visibility });
      await owner.request('joined', { type: 'join', id: rid('j'), room });
      const first = await RawClient.connect(server.wsUrl, `tabs-${action}`);
      const tabs = [
        first,
        await RawClient.connect(server.wsUrl, `tabs-${action}`, first.welcome.session),
        await RawClient.connect(server.wsUrl, `tabs-${action}`, first.welcome.session),
      ];
      const user = first.welcome.user.id;
      for (const t of tabs) expect(t.welcome.user.id).toBe(user);
      if (visibility === 'private') await owner.request('ack', { type: 'invite', id: rid('i'), room, user });
      for (const t of tabs) await t.request('joined', { type: 'join', id: rid('j'), room });
      // Control: while a member, a tab's typing does reach the owner.
      tabs[1]?.sendJson({ type: 'typing', room, on: true });
      await owner.next('typing', (f) => f.room === room && f.user.id === user);

      const done = await owner.request('ack', { type: action, id: rid('m'), room, user });
      for (const t of tabs) expect(await t.next('removed', (f) => f.room === room)).toMatchObject({ reason: action });

      // Typing (`on: false` after `on: true` is a change the throttle would forward) and writes
      // from any tab reach nobody; later events reach no tab.
      const ownerFramesBefore = owner.frames.length;
      for (const t of tabs) t.sendJson({ type: 'typing', room, on: false });
      const refused = await Promise.all(
        tabs.map((t) =>
          t.request('ack', { type: 'send', id: rid('s'), room, kind: 'text', body: 'still here?' }).then(
            () => 'stored',
            (err: { frame: { code: string } }) => err.frame.code,
          ),
        ),
      );
      expect(refused).toEqual(['not_member', 'not_member', 'not_member']);
      const later = await owner.request('ack', { type: 'send', id: rid('s'), room, kind: 'text', body: 'after' });
      for (const t of tabs) await barrier(t);
      await barrier(owner);
      for (const t of tabs) expect(t.events(room).filter((seq) => seq >= done.seq)).toEqual([]);
      expect(owner.frames.slice(ownerFramesBefore).filter((f) => f.type === 'typing')).toEqual([]);
      const page = await owner.request('history', { type: 'history', id: rid('h'), room, after: done.seq });
      expect(page.events.map((e) => e.seq)).toEqual([later.seq]);
      for (const t of tabs) t.close();
    });
  }
});
