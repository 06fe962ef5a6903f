/**
 * History in Chromium against a room of 100,000 messages seeded over five days: the room opens at
 * the bottom with only a few hundred rows in the DOM, scrolling to the top loads older pages while
 * the row being read stays put, date separators mark the days, a search jumps 95,000 messages back
 * and "Jump to latest" comes back, and "Jump to first unread" loads the page around the watermark.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ParleyClient } from '../../src/client/index.ts';
import { seedBigRoom } from '../support/history-seed.ts';
import type { TestServer } from '../support/server.ts';
import { searchFor } from '../support/web-page.ts';
import { previewRoom } from './directory-steps.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const SOON = 15_000;
const COUNT = 100_000;
const DAY = 86_400_000;
/** The seeded messages span this many days, evenly, up to a minute ago. */
const DAYS = 5;
const STEP = Math.floor((DAYS * DAY) / COUNT);
const END = Date.now() - 60_000;
const tsOf = (seq: number): number => END - (COUNT - seq) * STEP;
const utcDay = (ts: number): number => Math.floor(ts / DAY);
/** The first message of the second-to-last seeded day: a date separator goes before it. */
const MIDNIGHT = (() => {
  let seq = COUNT;
  while (utcDay(tsOf(seq - 1)) === utcDay(tsOf(COUNT))) seq--;
  const yesterday = utcDay(tsOf(seq - 1));
  seq--;
  while (utcDay(tsOf(seq - 1)) === yesterday) seq--;
  return seq;
})();
/** Far back: a search finds it and the jump loads the page around it. */
const FAR = 5_000;
const MAX_ROWS = 300;

async function nodeClient(url: string, nick: string): Promise<ParleyClient> {
  const client = createClient({ url, nick, WebSocket });
  await new Promise<void>((resolve, reject) => {
    client.on('welcome', () => resolve());
    client.on('error', (e) => reject(e));
  });
  return client;
}

async function waitForRoom(page: Page, room: string): Promise<void> {
  await page
    .locator(`.messages[data-room="${room}"][data-status="joined"][data-loaded="true"]`)
    .waitFor({ timeout: SOON });
}

/**
 * Scrolls the list to the top, which loads the previous page, and samples each frame (before it is
 * painted) until the page is in: which window the list holds and where the row that was the first
 * one loaded is, relative to the list's top.
 */
const scrollToTop = (page: Page, oldest: number) =>
  page.evaluate(
    (seq) =>
      new Promise<{ w: string; y: number | null }[]>((resolve) => {
        const list = document.querySelector<HTMLElement>('.messages')!;
        const samples: { w: string; y: number | null }[] = [];
        const tick = (): void => {
          const row = list.querySelector<HTMLElement>(`.message-row[data-row="${seq}"]`);
          const y = row ? row.getBoundingClientRect().top - list.getBoundingClientRect().top : null;
          samples.push({ w: list.dataset['window'] ?? '', y });
          const after = samples.filter((x) => x.w !== samples[0]!.w).length;
          if (after >= 5 || samples.length > 600) resolve(samples);
          else requestAnimationFrame(tick);
        };
        list.scrollTop = 0;
        requestAnimationFrame(tick);
      }),
    oldest,
  );

const rowCount = (page: Page) => page.locator('.messages .message-row').count();

/** The seq range the list holds (data-window "oldest-newest"). */
const windowOf = async (page: Page): Promise<[number, number]> => {
  const w = (await page.locator('.messages').getAttribute('data-window')) ?? '';
  const [a = '', b = ''] = w.split('-');
  return [Number(a), Number(b)];
};

describe.skipIf(skipBrowserTests('e2e history'))('a room of 100,000 messages in Chromium', () => {
  let app: WebApp;
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-history-'));
    const seedMs = await seedBigRoom(dataDir, {
      room: 'archive',
      count: COUNT,
      end: END,
      span: DAYS * DAY,
      bodies: { [FAR]: 'the needle far back', [MIDNIGHT]: 'just after midnight marker' },
    });
    console.log(`[history] seeded ${COUNT} messages in ${Math.round(seedMs)} ms`);
    app = await openWebApp({ dataDir });
    server = app.server;
    page = await app.guestPage('reader', {
      viewport: { width: 1280, height: 760 },
      timezoneId: 'UTC',
      locale: 'en-US',
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('opens at the bottom with a few hundred rows at most in the DOM', async () => {
    // Not a member yet: from the directory's preview, then Join.
    await previewRoom(page, 'archive');
    const t0 = performance.now();
    await page.locator('.directory-preview .preview-join').click();
    const newest = page.locator(`.messages[data-room="archive"] article.message[data-seq="${COUNT}"]`);
    await newest.waitFor({ timeout: SOON });
    console.log(`[history] 100k room: newest message shown ${Math.round(performance.now() - t0)} ms after the click`);
    await waitForRoom(page, 'archive');
    // At the bottom: the newest message is in view.
    const [box, list] = await Promise.all([newest.boundingBox(), page.locator('.messages').boundingBox()]);
    expect(box!.y + box!.height).toBeLessThanOrEqual(list!.y + list!.height + 1);
    expect(box!.y).toBeGreaterThanOrEqual(list!.y);
    expect(await rowCount(page)).toBeLessThanOrEqual(MAX_ROWS);
    expect(await rowCount(page)).toBeGreaterThan(5);
  });

  it('loads older pages at the top while the first row in view stays put', async () => {
    for (let i = 0; i < 6; i++) {
      const [oldest] = await windowOf(page);
      const samples = await scrollToTop(page, oldest);
      const changed = samples.findIndex((x) => x.w !== samples[0]!.w);
      expect(changed).toBeGreaterThan(0);
      // On screen at the top before the page came in, and at the same place in every frame after.
      const before = samples.slice(0, changed).filter((x) => x.y !== null);
      expect(before.length).toBeGreaterThan(0);
      const y = before[before.length - 1]!.y!;
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThan(200);
      for (const x of samples.slice(changed)) expect(Math.abs((x.y ?? Infinity) - y)).toBeLessThanOrEqual(2);
      const [older] = await windowOf(page);
      expect(older).toBeLessThan(oldest);
      expect(await rowCount(page)).toBeLessThanOrEqual(MAX_ROWS);
    }
    const [oldest] = await windowOf(page);
    expect(oldest).toBeLessThanOrEqual(COUNT - 6 * 50);
  }, 60_000);

  it('jumps to a message 95,000 back, shows date separators, and comes back to the latest', async () => {
    await searchFor(page, 'needle far back', SOON);
    await page.locator(`.search-panel .search-hit[data-seq="${FAR}"]`).click();
    const target = page.locator(`.messages[data-room="archive"] article.message[data-seq="${FAR}"][data-flash]`);
    await target.waitFor({ timeout: SOON });
    const [box, list] = await Promise.all([target.boundingBox(), page.locator('.messages').boundingBox()]);
    expect(box!.y).toBeGreaterThanOrEqual(list!.y);
    expect(box!.y + box!.height).toBeLessThanOrEqual(list!.y + list!.height);
    const [lo, hi] = await windowOf(page);
    expect(lo).toBeLessThanOrEqual(FAR);
    expect(hi).toBeLessThan(COUNT / 2);
    expect(await rowCount(page)).toBeLessThanOrEqual(MAX_ROWS);

    // The first message of a day carries that day's separator; the one before it does not.
    await searchFor(page, 'midnight marker', SOON);
    await page.locator(`.search-panel .search-hit[data-seq="${MIDNIGHT}"]`).click();
    await page.locator(`article.message[data-seq="${MIDNIGHT}"][data-flash]`).waitFor({ timeout: SOON });
    const label = new Intl.DateTimeFormat('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
    const separator = page.locator(`.message-row[data-row="${MIDNIGHT}"] .day`);
    await expect(separator.textContent()).resolves.toBe(
      utcDay(tsOf(MIDNIGHT)) === utcDay(Date.now()) - 1 ? 'Yesterday' : label.format(tsOf(MIDNIGHT)),
    );
    await expect(page.locator(`.message-row[data-row="${MIDNIGHT - 1}"] .day`).count()).resolves.toBe(0);
    // The separator is followed by its message, in order: [separator, article].
    await expect(
      page.locator(`.message-row[data-row="${MIDNIGHT}"] .day + article.message`).getAttribute('data-seq'),
    ).resolves.toBe(String(MIDNIGHT));

    // Far back, live messages wait on the server: a button brings the newest ones back.
    await page.locator('.jump-latest').click();
    await page.locator(`article.message[data-seq="${COUNT}"]`).waitFor({ timeout: SOON });
    await page.locator('.jump-latest').waitFor({ state: 'detached', timeout: SOON });
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('jumps to the first unread message when it is far above', async () => {
    // The reader has seen the newest message; 300 arrive while they are in another room.
    await page.locator('.room-link[data-room="general"]').click();
    await waitForRoom(page, 'general');
    const writer = await nodeClient(server.wsUrl, 'writer');
    try {
      await writer.join('archive');
      for (let i = 0; i < 300; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, k) => writer.send('archive', `new ${i + k}`)));
      }
    } finally {
      writer.close();
    }
    await page.waitForFunction(() => document.querySelector('.room-link[data-room="archive"] .unread')?.textContent, {
      timeout: SOON,
    });
    await page.locator('.room-link[data-room="archive"]').click();
    await waitForRoom(page, 'archive');
    const jump = page.locator('.jump-unread');
    await jump.waitFor({ timeout: SOON });
    await jump.click();
    // The page around the watermark: the divider, then the first of the new messages (after the writer's join).
    const first = page.locator('.new-messages + article.message .body');
    await first.waitFor({ timeout: SOON });
    await expect(first.textContent()).resolves.toBe('new 0');
    const [box, list] = await Promise.all([
      page.locator('.new-messages').boundingBox(),
      page.locator('.messages').boundingBox(),
    ]);
    expect(box!.y).toBeGreaterThanOrEqual(list!.y);
    expect(box!.y).toBeLessThanOrEqual(list!.y + list!.height);
    expect(await rowCount(page)).toBeLessThanOrEqual(MAX_ROWS);
    expect(app.pageErrors).toEqual([]);
  });

  it('scrolled up, counts new messages on a button instead of moving the view, and follows them at the bottom', async () => {
    await page.locator('.jump-latest').click();
    await page.locator('.jump-latest').waitFor({ state: 'detached', timeout: SOON });
    const writer = await nodeClient(server.wsUrl, 'writer2');
    try {
      await writer.join('archive');
      // At the bottom, a new message comes into view by itself.
      await writer.send('archive', 'while at the bottom');
      const atBottom = page.locator('article.message', { hasText: 'while at the bottom' });
      await atBottom.waitFor({ timeout: SOON });
      const [box, list] = await Promise.all([atBottom.boundingBox(), page.locator('.messages').boundingBox()]);
      expect(box!.y + box!.height).toBeLessThanOrEqual(list!.y + list!.height + 1);

      // Scrolled up, the rows in view stay where they are and a button counts what came.
      await page.locator('.messages').evaluate((el) => {
        el.scrollTop -= 1500;
      });
      await page.locator('.jump-latest').waitFor({ timeout: SOON });
      const rowAt = () =>
        page.evaluate(() => {
          const list = document.querySelector<HTMLElement>('.messages')!;
          const row = [...list.querySelectorAll<HTMLElement>('.message-row')].find(
            (r) => r.getBoundingClientRect().top >= list.getBoundingClientRect().top,
          )!;
          return { seq: row.dataset['row'], y: row.getBoundingClientRect().top, st: list.scrollTop };
        });
      const before = await rowAt();
      await writer.send('archive', 'fresh one');
      await writer.send('archive', 'fresh two');
      await page.locator('.jump-latest', { hasText: '2 new messages' }).waitFor({ timeout: SOON });
      expect(await rowAt()).toEqual(before);
      await page.locator('.jump-latest').click();
      await page.locator('article.message', { hasText: 'fresh two' }).waitFor({ timeout: SOON });
      await page.locator('.jump-latest').waitFor({ state: 'detached', timeout: SOON });
    } finally {
      writer.close();
    }
    expect(app.pageErrors).toEqual([]);
  });
});
