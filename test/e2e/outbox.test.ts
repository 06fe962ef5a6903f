/**
 * Unsent messages survive a reload: alice types while the server is down, reloads the page
 * (still down), still sees the message pending, and once the server is back it is delivered
 * exactly once and shown as sent. While the server is down alice's page files come from
 * dist/web through a route, as from a cache or CDN; the WebSocket is never routed.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomEvent } from '../../src/client/index.ts';
import type { TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';
import { SOON, waitForRoom } from '../support/web-page.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

/** Across a server restart: process start plus the client's backoff. */
const RESTART = 40_000;
const WEB_DIR = new URL('../../dist/web/', import.meta.url).pathname;
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const TEXT = 'typed while the server was down';
const PENDING = `.messages article.message.local[data-status="pending"] .body`;
const SENT = `.messages article.message[data-seq][data-status="sent"] .body`;

/** Serves the built app from disk; unknown paths get index.html, as the server does. */
async function serveStatic(route: Route): Promise<void> {
  const path = new URL(route.request().url()).pathname;
  const file = normalize(join(WEB_DIR, path === '/' ? 'index.html' : path));
  const body = await readFile(file.startsWith(WEB_DIR) ? file : '').catch(() => readFile(join(WEB_DIR, 'index.html')));
  const type = TYPES[extname(file)] ?? 'text/html';
  await route.fulfill({ status: 200, body, contentType: type });
}

async function login(page: Page, nick: string): Promise<void> {
  await page.locator('input[name="nick"]').fill(nick);
  await page.getByRole('button', { name: 'Join the chat' }).click();
  await waitForRoom(page);
}

/** Log entries (not local pending ones) with exactly this body. */
async function countLogged(page: Page, text: string): Promise<number> {
  const bodies = await page.locator('.messages article.message[data-seq] .body').allTextContents();
  return bodies.filter((b) => b === text).length;
}

/** Entries in this page's IndexedDB outbox (all scopes). */
function storedCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open('parley-outbox');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('outbox')) return resolve(0);
          const count = db.transaction('outbox').objectStore('outbox').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
      }),
  );
}

async function history(server: TestServer): Promise<RoomEvent[]> {
  const res = await fetch(`${server.url}/api/rooms/general/history?after=0&limit=200`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: RoomEvent[] }).events;
}

describe.skipIf(skipBrowserTests('e2e outbox'))('unsent messages across a reload', () => {
  let app: WebApp;
  let server: TestServer;
  let alice: Page;
  let bob: Page;
  let serverDown = false;

  beforeAll(async () => {
    // A document fulfilled by a route counts as public; Chromium would then refuse its
    // WebSocket to 127.0.0.1 as a "local network" request.
    app = await openWebApp({}, ['--disable-features=LocalNetworkAccessChecks']);
    server = app.server;
    // Playwright's default 1280×720 viewport.
    alice = await app.newPage({ viewport: { width: 1280, height: 720 } });
    bob = await app.newPage({ viewport: { width: 1280, height: 720 } });
    // Only while down: Chromium preconnects a socket for a fulfilled navigation and leaves it
    // unused, which holds up the server's graceful stop.
    await alice.context().route(`${server.url}/**`, (route) => (serverDown ? serveStatic(route) : route.continue()));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('keeps a message typed offline through a reload and delivers it once', async () => {
    await Promise.all([alice.goto(server.url), bob.goto(server.url)]);
    await login(alice, 'alice');
    await login(bob, 'bob');

    await server.stop();
    serverDown = true;
    await alice.locator('.room-header .conn:not([data-state="connected"])').waitFor({ timeout: SOON });
    const box = alice.locator('textarea[name="message"]');
    await box.click();
    await box.pressSequentially(TEXT);
    await box.press('Enter');
    await alice.locator(PENDING, { hasText: TEXT }).waitFor({ timeout: SOON });
    await waitUntil(async () => (await storedCount(alice)) === 1, { what: 'the message in IndexedDB' });

    await alice.reload();
    // Straight back to the chat (the session is saved), the message still pending, still offline.
    await alice.locator(PENDING, { hasText: TEXT }).waitFor({ timeout: SOON });
    expect(await alice.locator('.room-header .conn').getAttribute('data-state')).not.toBe('connected');
    expect(await alice.locator('.me-nick').textContent()).toBe('alice');
    expect(await storedCount(alice)).toBe(1);

    await server.restart();
    serverDown = false;
    await alice.locator(SENT, { hasText: TEXT }).waitFor({ timeout: RESTART });
    await bob.locator('.messages article.message[data-seq] .body', { hasText: TEXT }).waitFor({ timeout: RESTART });

    // Once everywhere: on both pages, in the stored log, and nothing left in the outbox.
    await alice.locator('.room-header .conn[data-state="connected"]').waitFor({ timeout: SOON });
    expect(await countLogged(alice, TEXT)).toBe(1);
    expect(await countLogged(bob, TEXT)).toBe(1);
    expect(await alice.locator('.messages article.message.local').count()).toBe(0);
    const stored = (await history(server)).filter((e) => e.body === TEXT);
    expect(stored.length).toBe(1);
    expect(stored[0]?.sender.nick).toBe('alice');
    await waitUntil(async () => (await storedCount(alice)) === 0, { what: 'the outbox emptied' });
    expect(app.pageErrors).toEqual([]);
  }, 120_000);
});
