/**
 * Unread badges, mentions, "New messages", "Seen by" and a read on one tab clearing the other,
 * in Chromium against the real server. Bob is one account signed in on two tabs.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.ts';
import { SOON, send, waitForBody, waitForRoom, registerAccount, signedInTab } from '../support/web-page.ts';
import { joinFromDirectory } from './directory-steps.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

/** The badge text of a room in the sidebar ('' when there is none). */
const badge = (page: Page, room: string, which: 'unread' | 'mentions') =>
  page.evaluate(([r, w]) => document.querySelector(`.room-link[data-room="${r}"] .${w}`)?.textContent ?? '', [
    room,
    which,
  ] as const);

async function waitForBadge(page: Page, room: string, which: 'unread' | 'mentions', text: string): Promise<void> {
  await page.waitForFunction(
    ([r, w, t]) => (document.querySelector(`.room-link[data-room="${r}"] .${w}`)?.textContent ?? '') === t,
    [room, which, text] as const,
    { timeout: SOON },
  );
}

describe.skipIf(skipBrowserTests('e2e read receipts'))('unread badges and read receipts in Chromium', () => {
  let app: WebApp;
  let server: TestServer;
  let alice: Page;
  let bob1: Page;
  let bob2: Page;

  beforeAll(async () => {
    app = await openWebApp();
    server = app.server;
    await registerAccount(server.url, 'bob');
    alice = await app.guestPage('alice', { viewport: { width: 1280, height: 760 } });
    const bobs = await app.browser.newContext({ viewport: { width: 1280, height: 760 } });
    bob1 = await signedInTab(bobs, server.url, 'bob');
    bob2 = await signedInTab(bobs, server.url, 'bob');
    // Bob acts on his first tab: a background tab gets no animation frames, and actions wait on them.
    await bob1.bringToFront();
    for (const p of [bob1, bob2]) p.on('pageerror', (err) => app.pageErrors.push(err.message));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('badges count on both of Bob’s tabs, reading on one clears both, and Alice sees "Seen by bob"', async () => {
    await alice.locator('.create-room summary').click();
    await alice.locator('input[name="room"]').fill('lounge');
    await alice.getByRole('button', { name: 'Create room' }).click();
    await waitForRoom(alice, 'lounge');

    // Bob joins the lounge on his first tab; the second hears of it through his user log.
    await joinFromDirectory(bob1, 'lounge');
    await bob2.locator('.room-link[data-room="lounge"]').waitFor({ timeout: SOON });
    await bob1.locator('.room-link[data-room="general"]').click();
    await waitForRoom(bob1, 'general');

    await send(alice, 'are you there, @bob?');
    await send(alice, 'lunch at noon');
    await waitForBody(alice, 'lunch at noon');
    for (const bob of [bob1, bob2]) {
      await waitForBadge(bob, 'lounge', 'unread', '2');
      await waitForBadge(bob, 'lounge', 'mentions', '@1');
    }
    expect(await alice.locator('.seen-by').count()).toBe(0);

    // Opening the room shows where the new messages start, and reads them.
    await bob1.locator('.room-link[data-room="lounge"]').click();
    await waitForRoom(bob1, 'lounge');
    await waitForBody(bob1, 'lunch at noon');
    const afterDivider = bob1.locator('.new-messages + article.message .body');
    await expect(afterDivider.textContent()).resolves.toBe('are you there, @bob?');
    // The other tab's badges clear through the user log; Alice is told Bob has seen them.
    await waitForBadge(bob2, 'lounge', 'unread', '');
    await waitForBadge(bob2, 'lounge', 'mentions', '');
    await alice.locator('.seen-by', { hasText: 'Seen by bob' }).waitFor({ timeout: SOON });
    expect(await badge(bob1, 'lounge', 'unread')).toBe('');

    // After a reload the counts come from the server: nothing unread, and a new message counts.
    await bob2.reload();
    await waitForRoom(bob2, 'general');
    await send(alice, 'one more');
    await waitForBadge(bob2, 'lounge', 'unread', '1');
    expect(await badge(bob2, 'lounge', 'mentions')).toBe('');
    expect(app.pageErrors).toEqual([]);
  }, 90_000);
});
