/** Typing signals through the SDK: sent throttled, received with expiry, never logged. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ParleyClient, type UserRef } from '../../src/client/index.ts';
import { TypingTracker } from '../../src/client/typing.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

describe('TypingTracker', () => {
  it('reports starts and stops, ignores renewals, and expires a signal that is not renewed', () => {
    vi.useFakeTimers();
    try {
      const seen: string[][] = [];
      const t = new TypingTracker(6_000, (_room, users) => seen.push(users.map((u) => u.nick)));
      const ada: UserRef = { id: '1', nick: 'ada' };
      const bo: UserRef = { id: '2', nick: 'bo' };
      t.update('r', ada, true);
      t.update('r', bo, true);
      vi.advanceTimersByTime(4_000);
      t.update('r', ada, true); // renewal: no change to report
      vi.advanceTimersByTime(3_000); // bo expires, ada was renewed
      t.update('r', ada, false);
      t.update('r', ada, false); // already stopped
      expect(seen).toEqual([['ada'], ['ada', 'bo'], ['ada'], []]);
      t.update('r', bo, true);
      t.clear();
      expect(seen.at(-1)).toEqual([]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('typing over the wire', () => {
  let server: TestServer;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.dispose();
  });

  it('reaches the other member, throttled, and stops on typing(room, false)', async () => {
    const make = (nick: string) => {
      const c = createClient({ url: server.wsUrl, nick, WebSocket });
      clients.push(c);
      return c;
    };
    const ada = make('ada');
    const bo = make('bo');
    await Promise.all([ada.join('general'), bo.join('general')]);
    const seen: string[][] = [];
    bo.on('typing', (t) => seen.push(t.users.map((u) => u.nick)));
    for (let i = 0; i < 20; i++) ada.typing('general');
    await waitUntil(() => seen.length === 1, { what: 'typing on' });
    ada.typing('general', false);
    await waitUntil(() => seen.length === 2, { what: 'typing off' });
    expect(seen).toEqual([['ada'], []]);
    // Not joined: dropped quietly.
    ada.typing('elsewhere');
    const page = await bo.history('general', { limit: 50 });
    expect(page.events.every((e) => e.kind === 'join')).toBe(true);
  });
});
