/**
 * npx tsx bench/history.ts: the web app on a room of 100,000 messages in Chromium (needs
 * /usr/bin/chromium and a web build: npm run build:web). Times a reload into the room until its
 * newest message shows, each older page loaded by scrolling to the top, and reports the rows in
 * the DOM and the JS heap after scrolling 60 pages back. Results go to stdout (keep notable ones
 * in RESULTS.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/e2e/chromium.ts';
import { seedBigRoom } from '../test/support/history-seed.ts';
import { startServer } from '../test/support/server.ts';

const COUNT = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const RELOADS = 5;
const PAGES = 60;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-history-'));
const seedMs = await seedBigRoom(dataDir, { room: 'big', count: COUNT, end: Date.now(), span: 5 * 86_400_000 });
const server = await startServer({ web: true, dataDir });
const browser = await launchChromium(['--enable-precise-memory-info']);
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
  await page.goto(server.url);
  await page.locator('input[name="nick"]').fill('bench');
  await page.getByRole('button', { name: 'Join the chat' }).click();
  await page.locator('.messages[data-room="general"][data-loaded="true"]').waitFor();
  await page.locator('.room-link[data-room="big"]').click();
  const newest = page.locator(`.messages[data-room="big"] article.message[data-seq="${COUNT}"]`);
  await newest.waitFor();

  // A reload reopens the same room: page load, app start, welcome, join, the latest page, render.
  const opens: number[] = [];
  for (let i = 0; i < RELOADS; i++) {
    const t0 = performance.now();
    await page.reload();
    await newest.waitFor();
    opens.push(performance.now() - t0);
  }
  const rowsAtOpen = await page.locator('.messages .message-row').count();
  const heap = (): Promise<number> =>
    page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
  const heapAtOpen = await heap();

  // tsx keeps function names with a helper the page does not have.
  await page.evaluate('globalThis.__name = (f) => f');
  const pages: number[] = [];
  let rowsMax = rowsAtOpen;
  for (let i = 0; i < PAGES; i++) {
    const ms = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const list = document.querySelector<HTMLElement>('.messages')!;
          const w = list.dataset['window'];
          const t0 = performance.now();
          const tick = (): void => {
            if (list.dataset['window'] !== w) requestAnimationFrame(() => resolve(performance.now() - t0));
            else requestAnimationFrame(tick);
          };
          list.scrollTop = 0;
          requestAnimationFrame(tick);
        }),
    );
    pages.push(ms);
    rowsMax = Math.max(rowsMax, await page.locator('.messages .message-row').count());
  }
  const window = (await page.locator('.messages').getAttribute('data-window')) ?? '';
  const heapAfter = await heap();
  const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  console.log(
    `history, ${COUNT} messages (seeded in ${Math.round(seedMs)} ms): reload to newest message shown ` +
      `median ${Math.round(median(opens))} ms (${opens.map(Math.round).join(', ')}); ${rowsAtOpen} rows in the DOM; ` +
      `${PAGES} older pages by scrolling to the top: median ${Math.round(median(pages))} ms from scroll to the page ` +
      `painted (max ${Math.round(Math.max(...pages))}), at most ${rowsMax} rows in the DOM, window ${window}; ` +
      `JS heap ${mib(heapAtOpen)} at open, ${mib(heapAfter)} after`,
  );
} finally {
  await browser.close();
  await server.dispose();
  rmSync(dataDir, { recursive: true, force: true });
}
