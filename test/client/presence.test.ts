/** Presence through the SDK: idle detection, setActivity, who(), status events, across a restart. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  createClient,
  watchActivity,
  type Activity,
  type ParleyClient,
  type UserStatus,
} from '../../src/client/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

/** Just enough of a Document for watchActivity: `hidden` and events. */
class FakeDocument extends EventTarget {
  hidden = false;
  setHidden(hidden: boolean): void {
    this.hidden = hidden;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('watchActivity', () => {
  it('is idle when hidden or after idleMs without input, active again on input', () => {
    vi.useFakeTimers();
    try {
      const doc = new FakeDocument();
      const seen: Activity[] = [];
      const watch = watchActivity((a) => seen.push(a), { idleMs: 60_000, document: doc as unknown as Document });
      expect(watch.activity).toBe('active');
      vi.advanceTimersByTime(30_000);
      doc.dispatchEvent(new Event('keydown'));
      vi.advanceTimersByTime(59_000);
      expect(seen).toEqual([]); // input 59 s ago: not idle yet
      vi.advanceTimersByTime(1_000);
      expect(seen).toEqual(['idle']);
      doc.dispatchEvent(new Event('pointermove'));
      expect(seen).toEqual(['idle', 'active']);
      doc.setHidden(true);
      doc.dispatchEvent(new Event('keydown')); // input to a hidden page does not count
      expect(seen).toEqual(['idle', 'active', 'idle']);
      doc.setHidden(false);
      expect(watch.activity).toBe('active');
      watch.stop();
      doc.setHidden(true);
      expect(seen).toEqual(['idle', 'active', 'idle', 'active']);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('presence over the wire', () => {
  let server: TestServer;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    server = await startServer({ args: ['--presence-grace-ms', '300', '--status-coalesce-ms', '50'] });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.dispose();
  });
  const make = (nick: string) => {
    const c = createClient({ url: server.wsUrl, nick, WebSocket, backoff: { minMs: 50, maxMs: 200 } });
    clients.push(c);
    return c;
  };

  it('asks, follows and reports status; idle survives a reconnect; offline with last seen', async () => {
    const ada = make('ada');
    const bo = make('bo');
    await Promise.all([ada.join('general'), bo.join('general')]);
    const adaId = ada.user?.id as string;
    const changes: UserStatus[] = [];
    bo.on('status', ({ users }) => changes.push(...users.filter((u) => u.user.id === adaId)));

    expect(await bo.who([adaId, adaId])).toEqual([{ user: { id: adaId, nick: 'ada', guest: true }, state: 'online' }]);
    expect(bo.status(adaId)?.state).toBe('online');
    expect(changes.map((s) => s.state)).toEqual(['online']);

    ada.setActivity('idle');
    ada.setActivity('idle'); // no change: nothing sent
    expect(ada.activity).toBe('idle');
    await waitUntil(() => bo.status(adaId)?.state === 'away', { what: 'ada away' });

    // The server counts a new connection as active: the SDK says idle again after the welcome.
    await server.restart();
    await waitUntil(() => ada.state === 'connected' && bo.state === 'connected', { what: 'reconnected' });
    await waitUntil(async () => (await bo.who([adaId]))[0]?.state === 'away', { what: 'ada still away' });

    ada.setActivity('active');
    await waitUntil(() => bo.status(adaId)?.state === 'online', { what: 'ada online' });
    const closedAt = Date.now();
    ada.close();
    await waitUntil(() => bo.status(adaId)?.state === 'offline', { what: 'ada offline' });
    expect(bo.status(adaId)?.lastSeen).toBeGreaterThanOrEqual(closedAt - 50);
  });
});
