/**
 * The member panel's count counts the room's current members (issue 14 point 10), in Chromium
 * against the real server: it follows logged joins and leaves at once, and in a large room, whose
 * joins are quiet (not logged; here --large-room-online 2), the open panel asks again within 30 s (the page's clock is moved on, not waited for).
 * The others are raw WebSocket users.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { loginAsGuest, SOON } from '../support/web-page.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const ROOM = 'general';
let n = 0;
const rid = (p: string) => `${p}-${++n}`;

/** Waits until the member panel's heading counts `count` members (in words and in data-total). */
async function counted(page: Page, count: number, timeout = SOON): Promise<void> {
  const heading = page.locator('.people-header h2');
  await heading.and(page.locator(`[data-total="${count}"]`)).waitFor({ timeout });
  expect(await heading.textContent()).toBe(`Members (${count})`);
}

describe.skipIf(skipBrowserTests('e2e member count'))('the member count counts current members', () => {
  let app: WebApp;
  let alice: Page;
  const open: RawClient[] = [];

  async function member(nick: string): Promise<RawClient> {
    const c = await RawClient.connect(app.server.wsUrl, nick);
    open.push(c);
    await c.request('joined', { type: 'join', id: rid('j'), room: ROOM });
    return c;
  }

  beforeAll(async () => {
    app = await openWebApp({ args: ['--large-room-online', '2'] });
    // Wide: the member panel is always on screen. A clock the test can move on: no real 30 s wait.
    alice = await app.newPage({ viewport: { width: 1280, height: 800 } });
    await alice.clock.install();
    await loginAsGuest(alice, app.server.url, 'alice');
  }, 120_000);

  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
  }, 30_000);

  it('follows logged joins and leaves', async () => {
    await counted(alice, 1);
    const bob = await member('bob');
    await counted(alice, 2);
    await bob.request('left', { type: 'leave', id: rid('l'), room: ROOM });
    await counted(alice, 1);
  });

  it('in a large room, catches up with quiet joins while the panel is open', async () => {
    await member('ben');
    await member('cy');
    // Logged joins while small: alice, ben and cy are three, more than 2 online — large now.
    await counted(alice, 3);
    await alice.locator('.people-toggle').waitFor({ state: 'hidden' });
    // The page knows the room is large (presence a count: "3 online") before it may ask again
    // now and then; presence changes that come fast may wait for the server's next signal tick.
    await alice.locator('.people-toggle', { hasText: '3 online' }).waitFor({ state: 'attached', timeout: SOON });
    const dan = await member('dan');
    // Dan's join is quiet: no event; the panel's next ask (at most 30 s away) counts him.
    const history = await dan.request('history', { type: 'history', id: rid('h'), room: ROOM, after: 0, limit: 50 });
    expect(history.events.filter((e) => e.kind === 'join').map((e) => e.sender.nick)).not.toContain('dan');
    // The panel's next ask is due within 30 s: move the page's clock past it.
    await alice.clock.fastForward(31_000);
    await counted(alice, 4);
  });
});
