/**
 * The app shell in Chromium against the real server: the language switch (Chinese on the
 * sign-in and chat screens, kept across a reload), the dark theme (kept across a reload), the
 * phone layout (sidebar drawer, nothing wider than the screen), the connection banner's
 * countdown while the server is down, and notifications for mentions while the tab is hidden.
 */
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '../../src/client/index.ts';
import type { TestServer } from '../support/server.ts';
import { SOON, waitForRoom } from '../support/web-page.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

/** Across a server restart: process start plus the client's backoff. */
const RESTART = 40_000;

/** Joins as a guest; `button` is the submit button's text in the page's language. */
async function join(page: Page, nick: string, button = 'Join the chat'): Promise<void> {
  await page.locator('input[name="nick"]').fill(nick);
  await page.getByRole('button', { name: button }).click();
  await waitForRoom(page);
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('textarea[name="message"]');
  await box.fill(text);
  await box.press('Enter');
  await page.locator('.messages article.message[data-seq] .body', { hasText: text }).first().waitFor({ timeout: SOON });
}

/** The settings menu in the sidebar (chat) or on the sign-in card, opened. */
async function openSettings(page: Page, where: '.me' | '.login-top'): Promise<void> {
  const menu = page.locator(`${where} .settings-menu`);
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
}

describe.skipIf(skipBrowserTests('e2e shell'))('app shell', () => {
  let app: WebApp;
  let server: TestServer;

  /** Playwright's default 1280×720 viewport, English, light. */
  async function newPage(opts: BrowserContextOptions = {}): Promise<{ ctx: BrowserContext; page: Page }> {
    const page = await app.newPage({
      viewport: { width: 1280, height: 720 },
      locale: 'en-US',
      colorScheme: 'light',
      ...opts,
    });
    return { ctx: page.context(), page };
  }

  beforeAll(async () => {
    app = await openWebApp();
    server = app.server;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('switches to Chinese on the sign-in and chat screens and keeps it across a reload', async () => {
    const { page } = await newPage();
    await page.goto(server.url);
    await expect(page.locator('.login-form h1').textContent()).resolves.toBe('Choose a nickname');
    await openSettings(page, '.login-top');
    await page.locator('.login-top select[name="language"]').selectOption('zh');
    await expect(page.locator('.login-form h1').textContent()).resolves.toBe('选择一个昵称');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    await page.reload();
    await expect(page.locator('.login-form h1').textContent()).resolves.toBe('选择一个昵称');
    await join(page, 'lin', '进入聊天');
    await expect(page.locator('.sidebar .section-head h2').first().textContent()).resolves.toBe('聊天室');
    await expect(page.locator('textarea[name="message"]').getAttribute('placeholder')).resolves.toBe(
      '发消息到 #general',
    );
    await send(page, '大家好！下午三点在三楼会议室讨论新版本的发布计划。');

    // Back to English from the chat screen: every string at once, same connection.
    await openSettings(page, '.me');
    await page.locator('.me select[name="language"]').selectOption('en');
    await expect(page.locator('.sidebar .section-head h2').first().textContent()).resolves.toBe('Rooms');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.locator('.room-header .conn[data-state="connected"]').waitFor({ timeout: SOON });
  });

  it('applies the dark theme and keeps it across a reload', async () => {
    const { page } = await newPage();
    await page.goto(server.url);
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const light = await background();
    await openSettings(page, '.login-top');
    await page.locator('.login-top select[name="theme"]').selectOption('dark');
    const dark = await background();
    expect(dark).not.toBe(light);
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');

    await page.reload();
    await page.locator('.login-form').waitFor({ timeout: SOON });
    expect(await background()).toBe(dark);
    await join(page, 'dora');
    await send(page, 'Evening! The dark theme follows your system until you pick one in ⚙.');
    // The app follows the system by default: "system" under a dark system preference is dark too.
    await openSettings(page, '.me');
    await page.locator('.me select[name="theme"]').selectOption('system');
    expect(await background()).toBe(light);
    // The system turning dark reaches the page as a media-query change event.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction((bg) => getComputedStyle(document.documentElement).backgroundColor === bg, dark, {
      timeout: SOON,
    });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction((bg) => getComputedStyle(document.documentElement).backgroundColor === bg, light, {
      timeout: SOON,
    });
  });

  it('fits a phone: the sidebar is a drawer behind the menu button, nothing overflows', async () => {
    const { page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(server.url);
    await join(page, 'pat');
    await send(page, 'a long line without breaks: ' + 'x'.repeat(300));
    const sidebar = page.locator('.sidebar');
    expect(await sidebar.isVisible()).toBe(false);
    expect(await page.locator('.messages').isVisible()).toBe(true);
    const width = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(width.scroll).toBeLessThanOrEqual(width.viewport);
    expect(width.viewport).toBe(390);

    await page.locator('.nav-toggle').click();
    await sidebar.waitFor({ state: 'visible', timeout: SOON });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Picking a room closes the drawer.
    await sidebar.locator('.room-link[data-room="general"]').click();
    await sidebar.waitFor({ state: 'hidden', timeout: SOON });

    // The member panel is an overlay over the messages, within the screen.
    const people = page.locator('.people');
    expect(await people.isVisible()).toBe(false);
    await page.locator('.people-toggle').click();
    await people.waitFor({ state: 'visible', timeout: SOON });
    const box = await people.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('shows a countdown banner while the server is down and clears it once back', async () => {
    const { page } = await newPage();
    await page.goto(server.url);
    await join(page, 'rita');
    expect(await page.locator('.conn-banner').count()).toBe(0);

    await server.stop();
    // Backoff delays are random (full jitter): wait for one long enough to watch count down.
    const countdown = page.locator('.conn-banner[data-kind="lost"] .banner-countdown');
    await page.waitForFunction(
      () => Number(document.querySelector('.conn-banner .banner-countdown')?.getAttribute('data-seconds')) >= 2,
      undefined,
      { timeout: RESTART },
    );
    const first = Number(await countdown.getAttribute('data-seconds'));
    expect(await countdown.textContent()).toBe(`Reconnecting in ${first} s…`);
    await page.waitForFunction(
      (n) => {
        const s = document.querySelector('.conn-banner .banner-countdown')?.getAttribute('data-seconds');
        return s !== undefined && s !== null && Number(s) < n;
      },
      first,
      { timeout: SOON },
    );
    await expect(page.locator('.conn-banner .banner-retry').textContent()).resolves.toBe('Retry now');

    await server.restart();
    // "Retry now" skips the rest of the wait (unless the client got there first).
    await page
      .locator('.conn-banner .banner-retry')
      .click({ timeout: 2_000 })
      .catch(() => undefined);
    await page.locator('.conn-banner[data-kind="recovered"]').waitFor({ timeout: RESTART });
    await page.locator('.conn-banner').waitFor({ state: 'detached', timeout: SOON });
    await page.locator('.room-header .conn[data-state="connected"]').waitFor({ timeout: SOON });
  }, 120_000);

  it('notifies once for a mention while the tab is hidden, never for your own messages', async () => {
    const { ctx, page: alice } = await newPage();
    await ctx.grantPermissions(['notifications'], { origin: server.url });
    // Record notifications instead of showing them.
    await alice.addInitScript(() => {
      const shown: Array<{ title: string; body: string }> = [];
      const objects: unknown[] = [];
      Object.assign(window, { __shown: shown, __objects: objects });
      const Real = window.Notification;
      class Recorded {
        static get permission(): NotificationPermission {
          return Real.permission;
        }
        static requestPermission(): Promise<NotificationPermission> {
          return Real.requestPermission();
        }
        onclick: (() => void) | null = null;
        constructor(title: string, options?: NotificationOptions) {
          shown.push({ title, body: options?.body ?? '' });
          objects.push(this);
        }
        close(): void {}
      }
      (window as unknown as { Notification: unknown }).Notification = Recorded;
    });
    const { page: bob } = await newPage();
    await Promise.all([alice.goto(server.url), bob.goto(server.url)]);
    await join(alice, 'alice');
    await join(bob, 'bob');
    const shown = () => alice.evaluate(() => (window as unknown as { __shown: unknown[] }).__shown.length);

    // Permission is granted but nothing notifies until alice turns it on.
    await send(bob, '@alice before turning it on');
    await openSettings(alice, '.me');
    await alice.locator('.me input[name="notify"]').check();
    await send(bob, '@alice while you look');
    await alice.locator('.messages .body', { hasText: '@alice while you look' }).waitFor({ timeout: SOON });
    expect(await shown()).toBe(0);

    await alice.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await send(bob, 'hey @alice, look at this');
    await alice.waitForFunction(() => (window as unknown as { __shown: unknown[] }).__shown.length > 0, undefined, {
      timeout: SOON,
    });
    await send(bob, 'no mention here');
    await send(alice, '@alice a note to myself');
    await alice.locator('.messages .body', { hasText: 'no mention here' }).waitFor({ timeout: SOON });
    const all = await alice.evaluate(() => (window as unknown as { __shown: unknown[] }).__shown);
    expect(all).toEqual([{ title: 'bob mentioned you in #general', body: 'hey @alice, look at this' }]);

    // A direct message from someone new notifies too; a click opens the conversation.
    const aliceId = await alice.evaluate(
      () => (JSON.parse(sessionStorage.getItem('parley.session') ?? '{}') as { user: string }).user,
    );
    const bea = createClient({ url: server.wsUrl, nick: 'bea', WebSocket });
    try {
      await new Promise<void>((resolve, reject) => {
        bea.on('welcome', () => resolve());
        bea.on('error', (e) => reject(e));
      });
      const dm = await bea.dm([aliceId]);
      await bea.join(dm.name);
      await bea.send(dm.name, 'psst');
      await alice.waitForFunction(() => (window as unknown as { __shown: unknown[] }).__shown.length === 2, undefined, {
        timeout: SOON,
      });
      const [, second] = await alice.evaluate(
        () => (window as unknown as { __shown: Array<{ title: string }> }).__shown,
      );
      expect(['bea sent you a message', 'New direct message']).toContain(second?.title);
      await alice.evaluate(() => {
        const objects = (window as unknown as { __objects: Array<{ onclick: (() => void) | null }> }).__objects;
        objects[objects.length - 1]?.onclick?.();
      });
      await alice.locator(`.messages[data-room="${dm.name}"]`).waitFor({ timeout: SOON });
      await alice.locator('.messages .body', { hasText: 'psst' }).waitFor({ timeout: SOON });
    } finally {
      bea.close();
    }
  });

  it('ran without page errors', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
