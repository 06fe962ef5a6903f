/**
 * Presence in Chromium against the real server: Bob sees Alice's status dot in the member panel
 * go online → away (her tab hidden) → offline with "Last seen" once she closes her page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeAgo } from '../../web/src/relative-time.ts';
import { SOON } from '../support/web-page.ts';
import { screenshotPath, skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const GRACE_MS = 1_000;

describe('timeAgo', () => {
  it('says how long ago in the largest whole unit, through Intl.RelativeTimeFormat', () => {
    const now = Date.UTC(2026, 0, 10, 12);
    expect(timeAgo(now - 20_000, now)).toBeUndefined();
    expect(timeAgo(now - 5 * 60_000 - 10_000, now)).toBe('5 minutes ago');
    expect(timeAgo(now - 3 * 3_600_000, now)).toBe('3 hours ago');
    expect(timeAgo(now - 26 * 3_600_000, now)).toBe('yesterday');
  });
});

/** The state of `nick`'s dot in the member panel ('' while the row or dot is not there). */
async function waitForDot(page: Page, nick: string, state: string): Promise<void> {
  await page.waitForFunction(
    ([n, s]) =>
      [...document.querySelectorAll('.member-list .person')].some(
        (row) =>
          row.querySelector('.person-nick')?.textContent === n &&
          row.querySelector('.presence-dot')?.getAttribute('data-state') === s,
      ),
    [nick, state] as const,
    { timeout: SOON },
  );
}

describe.skipIf(skipBrowserTests('e2e presence'))('presence in Chromium', () => {
  let app: WebApp;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    app = await openWebApp({ args: ['--presence-grace-ms', String(GRACE_MS)] });
    alice = await app.guestPage('alice', { viewport: { width: 1280, height: 760 } });
    bob = await app.guestPage('bob', { viewport: { width: 1280, height: 760 } });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('shows Alice online, away when her tab is hidden, then offline with last seen', async () => {
    await waitForDot(bob, 'alice', 'online');
    await waitForDot(bob, 'bob', 'online');

    // Alice's tab goes to the background: her only connection is idle, so she is away.
    await alice.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitForDot(bob, 'alice', 'away');
    await bob.screenshot({ path: screenshotPath('presence-away.png') });
    // Alice's own dot follows her too.
    await waitForDot(alice, 'alice', 'away');
    expect(await bob.locator('.member-list .last-seen').count()).toBe(0);

    // She closes the page: offline once the grace period is over, with "Last seen".
    const closedAt = Date.now();
    await alice.close();
    await waitForDot(bob, 'alice', 'offline');
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 100);
    const row = bob.locator('.member-list .person', { hasText: 'alice' });
    await expect(row.locator('.last-seen').textContent()).resolves.toBe('Last seen just now');
    await bob.screenshot({ path: screenshotPath('presence-offline.png') });
    const dot = row.locator('.presence-dot');
    await expect(dot.getAttribute('aria-label')).resolves.toBe('Offline');
    expect(app.pageErrors).toEqual([]);
  });
});
