/**
 * One sign-in per browser (issue 14 point 3), in real Chromium: tabs are pages of one browser
 * context. An account's sign-in is shared by every tab, survives closing and reopening the
 * browser, and ends in every tab at once; refreshes from several tabs never trip the single-use
 * refresh token; a guest is warned, shared by its open tabs, and kept as an account with its
 * rooms and direct messages.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOON, TEST_PASSWORD, loginAsGuest, send, waitForBody, waitForRoom } from '../support/web-page.ts';
import { skipBrowserTests } from './chromium.ts';
import { startServer } from '../support/server.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const me = (page: Page) => page.locator('.me-nick').textContent();

async function register(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('tab', { name: 'Create account' }).click();
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await waitForRoom(page);
}

/** A new tab of the same browser, opened on the app. */
async function tab(ctx: BrowserContext, url: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(url);
  return page;
}

describe.skipIf(skipBrowserTests('e2e sessions'))('sessions in the web app', () => {
  let app: WebApp;
  let url: string;
  const refreshes: number[] = [];

  beforeAll(async () => {
    app = await openWebApp();
    url = app.server.url;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('shares an account with every tab, survives a browser restart, and signs out everywhere', async () => {
    const ctx = await app.browser.newContext();
    const first = await ctx.newPage();
    await register(first, url, 'nora');
    // A second tab is signed in already: no sign-in card.
    const second = await tab(ctx, url);
    await waitForRoom(second);
    await expect(me(second)).resolves.toBe('nora');
    await send(second, 'from the second tab');
    await waitForBody(first, 'from the second tab');

    // Close the browser (keeping what a browser keeps on disk) and open it again.
    const state = await ctx.storageState();
    expect(JSON.stringify(state)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no access token on disk
    await ctx.close();
    const again = await app.browser.newContext({ storageState: state });
    const third = await tab(again, url);
    await waitForRoom(third);
    await expect(me(third)).resolves.toBe('nora');
    await waitForBody(third, 'from the second tab');
    const fourth = await tab(again, url);
    await waitForRoom(fourth);

    // Signing out in one tab signs out the other at once, on the account's form.
    await third.getByRole('button', { name: 'Sign out' }).click();
    for (const page of [third, fourth]) {
      await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: SOON });
      await expect(page.locator('input[name="username"]').inputValue()).resolves.toBe('nora');
      await expect(page.getByRole('tab', { name: 'Sign in' }).getAttribute('aria-selected')).resolves.toBe('true');
    }
    // A tab opened now shows the sign-in card, and the old cookie is refused by the server.
    const fifth = await tab(again, url);
    await fifth.locator('input[name="nick"], input[name="username"]').first().waitFor({ timeout: SOON });
    expect(await fifth.locator('.chat').count()).toBe(0);
    expect((await again.cookies()).some((c) => c.name === 'parley_refresh')).toBe(false);
    await again.close();
    expect(app.pageErrors).toEqual([]);
  }, 120_000);

  it('three tabs ride out several token expiries together without tripping refresh-token reuse', async () => {
    // A server of its own with access tokens of 3 s: every tab refreshes several times.
    const short = await startServer({ web: true, args: ['--access-token-ttl-ms', '3000'] });
    const url = short.url;
    const ctx = await app.browser.newContext();
    const first = await ctx.newPage();
    await register(first, url, 'otto');
    const tabs = [first, await tab(ctx, url), await tab(ctx, url)];
    for (const page of tabs) {
      page.on('response', (r) => {
        if (r.url().endsWith('/api/auth/refresh')) refreshes.push(r.status());
      });
    }
    for (const page of tabs) await waitForRoom(page);
    // The shared 3 s token expires (4410) in every tab at once: several rounds of refreshes.
    await expect.poll(() => refreshes.length, { timeout: 25_000, interval: 200 }).toBeGreaterThanOrEqual(4);
    expect(refreshes.every((s) => s === 200)).toBe(true);
    for (const [i, page] of tabs.entries()) {
      await waitForRoom(page);
      await send(page, `tab ${i} still signed in`);
    }
    for (const page of tabs) await waitForBody(page, 'tab 2 still signed in');
    expect(refreshes.every((s) => s === 200)).toBe(true);
    await ctx.close();
    await short.dispose();
    expect(app.pageErrors).toEqual([]);
  }, 90_000);

  it('warns a guest, shares it with a new tab, and keeps it as an account with its rooms and DMs', async () => {
    const friend = await app.guestPage('fern');
    const ctx = await app.browser.newContext();
    const guest = await ctx.newPage();
    await loginAsGuest(guest, url, 'gus');
    await expect(guest.locator('.guest-notice').textContent()).resolves.toMatch(/close every tab/);
    // A new tab of this browser is the same guest, not a sign-in card.
    const second = await tab(ctx, url);
    await waitForRoom(second);
    await expect(me(second)).resolves.toBe('gus');
    // Back to the first tab: a background tab gets no animation frames, and every action waits on them.
    await guest.bringToFront();

    // The guest's room and DM.
    await guest.locator('.create-room summary').click();
    await guest.locator('input[name="room"]').fill('gus-den');
    await guest.getByRole('button', { name: 'Create room' }).click();
    await waitForRoom(guest, 'gus-den');
    await send(guest, 'in my den');
    await guest.locator('.room-link[data-room="general"]').click();
    await waitForRoom(guest, 'general');
    await guest.locator('.new-dm summary').click();
    await guest.locator('input[name="dm-filter"]').fill('fer');
    await guest.locator('.dm-pick', { hasText: 'fern' }).locator('input').check({ timeout: SOON });
    await guest.locator('.new-dm').getByRole('button', { name: 'Start' }).click();
    const dm = guest.locator('.dm-link', { hasText: 'fern' });
    await dm.waitFor({ timeout: SOON });
    const dmRoom = String(await dm.getAttribute('data-room'));
    await waitForRoom(guest, dmRoom);
    await send(guest, 'psst fern');

    // Keep it: the account has the guest's user id, so rooms, DMs and history stay.
    await guest.getByRole('button', { name: 'Keep them: create an account' }).click();
    const dialog = guest.getByRole('dialog');
    await expect(dialog.locator('input[name="username"]').inputValue()).resolves.toBe('gus');
    await dialog.locator('input[name="password"]').fill(TEST_PASSWORD);
    await dialog.getByRole('button', { name: 'Create account' }).click();
    await guest.locator('.guest-notice').waitFor({ state: 'detached', timeout: SOON });
    for (const page of [guest, second]) {
      // The other tab follows: the same account, no notice any more. (Looked at in front: a
      // background tab's timers are throttled.)
      await page.bringToFront();
      await page.locator('.guest-notice').waitFor({ state: 'detached', timeout: SOON });
      await page.locator('.room-header .conn[data-state="connected"]').waitFor({ timeout: SOON });
      await expect(me(page)).resolves.toBe('gus');
      await page.locator('.room-link[data-room="gus-den"]').waitFor({ timeout: SOON });
      await page.locator(`.dm-link[data-room="${dmRoom}"]`).waitFor({ timeout: SOON });
    }
    await guest.locator('.room-link[data-room="gus-den"]').click();
    await waitForRoom(guest, 'gus-den');
    await waitForBody(guest, 'in my den');

    // Now it survives the browser: a restart keeps gus, with the DM and its history.
    const state = await ctx.storageState();
    await ctx.close();
    const again = await app.browser.newContext({ storageState: state });
    const back = await tab(again, url);
    await back.locator('.room-header .conn[data-state="connected"]').waitFor({ timeout: SOON });
    await expect(me(back)).resolves.toBe('gus');
    await back.locator(`.dm-link[data-room="${dmRoom}"]`).click();
    await waitForRoom(back, dmRoom);
    await waitForBody(back, 'psst fern');
    await again.close();
    await friend.context().close();
    expect(app.pageErrors).toEqual([]);
  }, 120_000);

  it("forgets a guest when its last tab closes, and a guest's sign-out leaves every tab", async () => {
    const ctx = await app.browser.newContext();
    const first = await ctx.newPage();
    await loginAsGuest(first, url, 'wren');
    const second = await tab(ctx, url);
    await waitForRoom(second);
    await second.getByRole('button', { name: 'Sign out' }).click();
    for (const page of [first, second]) {
      await page.locator('input[name="nick"]').waitFor({ timeout: SOON });
    }
    // Nothing of the guest is kept for a browser restart.
    await first.locator('input[name="nick"]').fill('wren');
    await first.getByRole('button', { name: 'Join the chat' }).click();
    await waitForRoom(first);
    const state = await ctx.storageState();
    await ctx.close();
    const again = await app.browser.newContext({ storageState: state });
    const back = await tab(again, url);
    await back.locator('input[name="nick"]').waitFor({ timeout: SOON });
    expect(await back.locator('.chat').count()).toBe(0);
    await again.close();
    expect(app.pageErrors).toEqual([]);
  }, 60_000);
});
