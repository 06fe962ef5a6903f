/**
 * More of the browser app against the real server: a refused nickname, paging back through
 * history, creating rooms, unread counts, and the narrow (phone) layout.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ParleyClient } from '../../src/client/index.ts';
import type { TestServer } from '../support/server.ts';
import { SOON, loginAsGuest, waitForBody } from '../support/web-page.ts';
import { joinFromDirectory, previewRoom } from './directory-steps.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const SEEDED = 120;

function bodies(page: Page): Promise<string[]> {
  return page.locator('.messages article.message[data-seq] .body').allTextContents();
}

function seqsOf(page: Page): Promise<number[]> {
  return page
    .locator('.messages article.message[data-seq]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
}

/** Waits for the room's list only (not the connection badge). */
async function waitForRoom(page: Page, room: string): Promise<void> {
  await page
    .locator(`.messages[data-room="${room}"][data-status="joined"][data-loaded="true"]`)
    .waitFor({ timeout: SOON });
}

/** Sends with Enter, without waiting for anything. */
async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('textarea[name="message"]');
  await box.fill(text);
  await box.press('Enter');
}

/** A Node SDK client, for seeding messages and holding a nickname. */
async function nodeClient(url: string, nick: string): Promise<ParleyClient> {
  const client = createClient({ url, nick, WebSocket });
  await new Promise<void>((resolve, reject) => {
    client.on('welcome', () => resolve());
    client.on('error', (e) => reject(e));
  });
  return client;
}

describe.skipIf(skipBrowserTests('e2e rooms'))('rooms, history and nicknames in Chromium', () => {
  let app: WebApp;
  let server: TestServer;
  let erin: Page;
  let frank: Page;
  let dana: ParleyClient;

  beforeAll(async () => {
    app = await openWebApp();
    server = app.server;
    erin = await app.newPage({ viewport: { width: 1280, height: 760 } });
    frank = await app.newPage({ viewport: { width: 1280, height: 760 } });
    // dana stays online (holding her nickname) and fills general with history.
    dana = await nodeClient(server.wsUrl, 'dana');
    await dana.join('general');
    for (let i = 1; i <= SEEDED; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, k) => dana.send('general', `seed ${i + k}`)));
    }
  }, 120_000);

  afterAll(async () => {
    dana?.close();
    await app?.close();
  }, 30_000);

  it('refuses a nickname in use, then lets you pick another', async () => {
    await erin.goto(server.url);
    const input = erin.locator('input[name="nick"]');
    await input.fill('dana');
    await erin.getByRole('button', { name: 'Join the chat' }).click();
    await erin
      .getByRole('alert')
      .filter({ hasText: /in use/i })
      .waitFor({ timeout: SOON });
    await expect(input.inputValue()).resolves.toBe('dana');
    await expect(input.isEnabled()).resolves.toBe(true);

    await input.fill('erin');
    await erin.getByRole('button', { name: 'Join the chat' }).click();
    await waitForRoom(erin, 'general');
    await expect(erin.locator('.me-nick').textContent()).resolves.toBe('erin');
  });

  it('shows the last 50 messages and pages back by scrolling to the top', async () => {
    // Joins are logged: dana's join is seq 1 (seed i is seq i + 1) and erin's is the newest,
    // so the latest page of 50 events holds 49 messages and erin's join line.
    await waitForBody(erin, `seed ${SEEDED}`);
    const list = erin.locator('.messages[data-room="general"]');
    await expect(list.getAttribute('data-window')).resolves.toBe(`${SEEDED - 47}-${SEEDED + 2}`);
    // The list is virtualized: the rows in view (and a margin) are in the DOM, in order.
    const shown = await seqsOf(erin);
    expect(shown[shown.length - 1]).toBe(SEEDED + 1);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => shown[0]! + i));

    const toTop = () =>
      list.evaluate((el) => {
        el.scrollTop = 0;
      });
    await toTop();
    await erin.locator(`.messages[data-window="${SEEDED - 97}-${SEEDED + 2}"]`).waitFor({ timeout: SOON });
    // Loading older messages keeps the ones you were reading in view.
    await expect(erin.locator('.body', { hasText: `seed ${SEEDED - 48}` }).isVisible()).resolves.toBe(true);

    await toTop();
    await erin.locator(`.messages[data-window="1-${SEEDED + 2}"]`).waitFor({ timeout: SOON });
    // The page came in above the row being read: scroll up to the start.
    await toTop();
    await waitForBody(erin, 'seed 1');
    await erin.getByText('This is the start of #general.').waitFor({ timeout: SOON });
    expect(await erin.getByRole('button', { name: 'Load older messages' }).count()).toBe(0);
    const top = await seqsOf(erin);
    expect(top).toEqual(Array.from({ length: top.length }, (_, i) => i + 2));
    expect(await bodies(erin)).toEqual(top.map((seq) => `seed ${seq - 1}`));
  });

  it('creates a room; others find it, join it and see unread counts', async () => {
    // A taken name is refused with the server's message.
    await erin.locator('.create-room summary').click();
    await erin.locator('input[name="room"]').fill('general');
    await erin.getByRole('button', { name: 'Create room' }).click();
    await erin
      .locator('.create-room [role="alert"]')
      .filter({ hasText: /exists/i })
      .waitFor({ timeout: SOON });

    // Typed names become slugs.
    await erin.locator('input[name="room"]').fill('Design Review');
    await expect(erin.locator('input[name="room"]').inputValue()).resolves.toBe('design-review');
    await erin.locator('input[name="title"]').fill('Design <b>review</b>');
    await erin.getByRole('button', { name: 'Create room' }).click();
    await waitForRoom(erin, 'design-review');
    await expect(erin.locator('.room-name').textContent()).resolves.toContain('design-review');
    await expect(erin.locator('.room-title').textContent()).resolves.toBe('Design <b>review</b>');
    await expect(erin.locator('.room-link.active').getAttribute('data-room')).resolves.toBe('design-review');
    await send(erin, 'first design note');
    await waitForBody(erin, 'first design note');

    await loginAsGuest(frank, server.url, 'frank');
    await joinFromDirectory(frank, 'design-review');
    await waitForBody(frank, 'first design note');
    await frank.locator('.people .person-nick', { hasText: 'erin' }).waitFor({ timeout: SOON });

    // Back in general, frank is told about new messages in design-review.
    await frank.locator('.room-link[data-room="general"]').click();
    await waitForRoom(frank, 'general');
    await send(erin, 'second design note');
    await send(erin, 'third design note');
    const badge = frank.locator('.room-link[data-room="design-review"] .unread');
    await frank.waitForFunction(
      () => document.querySelector('.room-link[data-room="design-review"] .unread')?.textContent === '2',
      undefined,
      { timeout: SOON },
    );
    await frank.locator('.room-link[data-room="design-review"]').click();
    await waitForBody(frank, 'third design note');
    expect(await badge.count()).toBe(0);
    expect(await bodies(frank)).toEqual(['first design note', 'second design note', 'third design note']);
  });

  it('starts over as a new user when the saved session is unknown', async () => {
    const ctx = await app.browser.newContext();
    try {
      const page = await ctx.newPage();
      await page.goto(server.url);
      await page.evaluate(() =>
        sessionStorage.setItem('parley.session', JSON.stringify({ nick: 'hank', session: 'no-such-session' })),
      );
      await page.reload();
      await waitForRoom(page, 'general');
      await expect(page.locator('.me-nick').textContent()).resolves.toBe('hank');
    } finally {
      await ctx.close();
    }
  });

  it('a duplicated tab (same session) is a second connection of the same guest, with its own outbox', async () => {
    const ctx = await app.browser.newContext();
    try {
      const first = await ctx.newPage();
      await loginAsGuest(first, server.url, 'ivan');
      const saved = await first.evaluate(() => sessionStorage.getItem('parley.session'));
      expect(saved).toBeTruthy();
      // "Duplicate tab" copies sessionStorage into the new tab.
      const copy = await ctx.newPage();
      await copy.addInitScript((s) => {
        if (!sessionStorage.getItem('parley.session')) sessionStorage.setItem('parley.session', s);
      }, saved!);
      await copy.goto(server.url);
      await waitForRoom(copy, 'general');
      const who = (p: Page) =>
        p.evaluate(
          () => JSON.parse(sessionStorage.getItem('parley.session') ?? '{}') as { user: string; scope: string },
        );
      const [a, b] = [await who(first), await who(copy)];
      expect(b.user).toBe(a.user);
      expect(b.scope).not.toBe(a.scope);
      // Both keep working, neither pushes the other off. (Each to the front before it acts: a
      // background tab gets no animation frames, and actions wait on them.)
      await first.bringToFront();
      await send(first, 'still here');
      await copy.bringToFront();
      await send(copy, 'me too');
      for (const page of [first, copy]) {
        await waitForBody(page, 'still here');
        await waitForBody(page, 'me too');
        await page.locator('.room-header .conn[data-state="connected"]').waitFor({ timeout: SOON });
      }
    } finally {
      await ctx.close();
    }
  });

  it('fits a phone screen: the room list slides in and out', async () => {
    const ctx = await app.browser.newContext({ viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true });
    try {
      const page = await ctx.newPage();
      await loginAsGuest(page, server.url, 'gina');
      await waitForBody(page, `seed ${SEEDED}`);
      await send(page, 'Hello from my phone!\nLine two.');
      await waitForBody(page, 'Hello from my phone!\nLine two.');
      const sidebar = page.locator('.sidebar');
      await expect(sidebar.isVisible()).resolves.toBe(false);
      // Nothing sticks out sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      await page.getByRole('button', { name: 'Rooms' }).click();
      await sidebar.waitFor({ state: 'visible', timeout: SOON });
      // Not her room yet: from the directory (full screen on a phone), preview, then Join.
      await previewRoom(page, 'design-review');
      await page.locator('.directory-preview .preview-join').click();
      await sidebar.waitFor({ state: 'hidden', timeout: SOON });
      await waitForRoom(page, 'design-review');
      await waitForBody(page, 'third design note');
    } finally {
      await ctx.close();
    }
  });
});
