/**
 * Search in the browser app against the real server: a query finds a message far back in another
 * room, the snippet marks the match as text, and a click opens that room at the message,
 * highlighted, with the history around it loaded.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ParleyClient } from '../../src/client/index.ts';
import type { TestServer } from '../support/server.ts';
import { SOON, searchFor, waitForRoom } from '../support/web-page.ts';
import { joinFromDirectory } from './directory-steps.ts';
import { screenshotPath, skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const SEEDED = 300;
/** Index of the message the test looks for: far enough back that several pages must load. */
const TARGET_AT = 20;
const XSS = '<img src=x onerror="window.__xss=1">会议 <b>bold</b>';

async function nodeClient(url: string, nick: string): Promise<ParleyClient> {
  const client = createClient({ url, nick, WebSocket });
  await new Promise<void>((resolve, reject) => {
    client.on('welcome', () => resolve());
    client.on('error', (e) => reject(e));
  });
  return client;
}

describe.skipIf(skipBrowserTests('e2e search'))('search and jump to a message in Chromium', () => {
  let app: WebApp;
  let server: TestServer;
  let page: Page;
  let seeder: ParleyClient;
  let targetSeq = 0;
  let xssSeq = 0;

  beforeAll(async () => {
    app = await openWebApp();
    server = app.server;
    seeder = await nodeClient(server.wsUrl, 'seeder');
    await seeder.createRoom('archive');
    await seeder.join('archive');
    for (let i = 0; i < SEEDED; i += 50) {
      const acks = await Promise.all(
        Array.from({ length: 50 }, (_, k) => {
          const n = i + k;
          const body = n === TARGET_AT ? '周五的项目进度会议改到下午三点' : n === 250 ? XSS : `filler ${n}`;
          return seeder.send('archive', body);
        }),
      );
      for (const [k, ack] of acks.entries()) {
        if (i + k === TARGET_AT) targetSeq = ack.seq;
        if (i + k === 250) xssSeq = ack.seq;
      }
    }
    page = await app.guestPage('reader', { viewport: { width: 1280, height: 760 } });
    // Search covers the rooms you are a member of: join archive, then go back to general.
    await joinFromDirectory(page, 'archive');
    await page.locator('.room-link[data-room="general"]').click();
    await waitForRoom(page, 'general');
  }, 120_000);

  afterAll(async () => {
    seeder?.close();
    await app?.close();
  }, 30_000);

  it('finds a Chinese phrase in another room and jumps to it, loading the history around it', async () => {
    await searchFor(page, '进度会议');
    const hits = page.locator('.search-panel .search-hit');
    await expect(hits.count()).resolves.toBe(1);
    const hit = hits.first();
    await expect(hit.getAttribute('data-room')).resolves.toBe('archive');
    await expect(hit.getAttribute('data-seq')).resolves.toBe(String(targetSeq));
    await expect(hit.locator('.search-hit-nick').textContent()).resolves.toBe('seeder');
    await expect(hit.locator('.search-hit-room').textContent()).resolves.toBe('#archive');
    await expect(hit.locator('mark').allTextContents()).resolves.toEqual(['进度会议']);
    await expect(hit.locator('.search-hit-text').textContent()).resolves.toBe('周五的项目进度会议改到下午三点');
    await page.screenshot({ path: screenshotPath('search.png') });

    await hit.click();
    const message = page.locator(`.messages[data-room="archive"] article.message[data-seq="${targetSeq}"]`);
    await page
      .locator(`.messages[data-room="archive"] article.message[data-seq="${targetSeq}"][data-flash]`)
      .waitFor({ timeout: SOON });
    await expect(page.locator('.room-link.active').getAttribute('data-room')).resolves.toBe('archive');
    await expect(page.locator('.search-panel').count()).resolves.toBe(0);
    // In view inside the message list, with older messages loaded above it.
    const [box, list] = await Promise.all([
      message.boundingBox(),
      page.locator('.messages[data-room="archive"]').boundingBox(),
    ]);
    expect(box && list).toBeTruthy();
    expect(box!.y).toBeGreaterThanOrEqual(list!.y);
    expect(box!.y + box!.height).toBeLessThanOrEqual(list!.y + list!.height);
    const above = await page
      .locator('.messages[data-room="archive"] article.message[data-seq]')
      .evaluateAll((els, t) => els.filter((e) => Number(e.getAttribute('data-seq')) < t).length, targetSeq);
    expect(above).toBeGreaterThanOrEqual(5);
    // The highlight is brief.
    await page
      .locator(`.messages[data-room="archive"] article.message[data-seq="${targetSeq}"]:not([data-flash])`)
      .waitFor({ timeout: SOON });
  });

  it('shows markup in a message as text in the results and runs no script', async () => {
    await searchFor(page, '会议');
    const hit = page.locator(`.search-panel .search-hit[data-seq="${xssSeq}"]`);
    await expect(hit.locator('.search-hit-text').textContent()).resolves.toBe(XSS);
    await expect(hit.locator('mark').allTextContents()).resolves.toEqual(['会议']);
    await expect(page.locator('.search-panel img, .search-panel b').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as { __xss?: number }).__xss)).resolves.toBeUndefined();
    // Escape in the empty box closes the results.
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('');
    await box.press('Escape');
    await expect(page.locator('.search-panel').count()).resolves.toBe(0);
  });

  it('at phone width, Escape in the empty box closes the results and the widened box', async () => {
    const size = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 800 });
    try {
      await searchFor(page, '会议');
      await page.locator('.search-panel').waitFor({ timeout: SOON });
      const box = page.getByRole('searchbox', { name: 'Search messages' });
      // Open, the box takes the header's width.
      expect((await box.boundingBox())!.width).toBeGreaterThan(200);
      await box.fill('');
      await box.press('Escape');
      await expect(page.locator('.search-panel').count()).resolves.toBe(0);
      await expect(box.evaluate((el) => el === document.activeElement)).resolves.toBe(false);
      expect((await box.boundingBox())!.width).toBeLessThan(60);
    } finally {
      if (size) await page.setViewportSize(size);
    }
  });
});
