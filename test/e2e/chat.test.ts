/**
 * The browser app against the real server: two people in two browser contexts chat in
 * 'general', user text stays text, a reload keeps the history and the user, and a server
 * restart is ridden out with every message arriving exactly once.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.ts';
import { SOON, waitForBody, waitForRoom } from '../support/web-page.ts';
import { screenshotPath, skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

// The README's other shots come from tour.test.ts.
const SHOTS = { login: screenshotPath('login.png') };
/** Deadline across a server restart (process start + client backoff). */
const RESTART = 40_000;

const XSS_IMG = '<img src=x onerror="window.__pwned=1">';
const XSS_SCRIPT = '<script>window.__pwned=1</script>';

/** Message bodies of log entries (not local pending ones), top to bottom. */
function bodies(page: Page): Promise<string[]> {
  return page.locator('.messages article.message[data-seq] .body').allTextContents();
}

async function countBody(page: Page, text: string): Promise<number> {
  return (await bodies(page)).filter((b) => b === text).length;
}

async function expectNoDuplicateSeqs(page: Page): Promise<void> {
  const seqs = await page
    .locator('.messages article.message[data-seq]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
}

async function login(page: Page, nick: string, screenshot?: string): Promise<void> {
  await page.locator('input[name="nick"]').fill(nick);
  if (screenshot) {
    await page.screenshot({ path: screenshot });
  }
  await page.getByRole('button', { name: 'Join the chat' }).click();
  await waitForRoom(page);
  await expect(page.locator('.me-nick').textContent()).resolves.toBe(nick);
}

/** Types into the composer; "\n" is typed as Shift+Enter, and Enter sends. */
async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('textarea[name="message"]');
  await box.click();
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (i > 0) await box.press('Shift+Enter');
    if (line) await box.pressSequentially(line);
  }
  await box.press('Enter');
  await expect(box.inputValue()).resolves.toBe('');
}

/** Records every value the header's connection badge takes, from now on. */
async function recordConnStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __connStates: string[] };
    w.__connStates = [];
    const read = () => {
      const s = document.querySelector('.room-header .conn')?.getAttribute('data-state');
      if (s && w.__connStates[w.__connStates.length - 1] !== s) w.__connStates.push(s);
    };
    read();
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state'],
    });
  });
}

function connStates(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __connStates: string[] }).__connStates);
}

describe.skipIf(skipBrowserTests('e2e chat'))('web app in Chromium', () => {
  let app: WebApp;
  let server: TestServer;
  let alice: Page;
  let bob: Page;
  const badResponses: string[] = [];

  beforeAll(async () => {
    app = await openWebApp();
    server = app.server;
    alice = await app.newPage();
    bob = await app.newPage();
    for (const [who, page] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      // Every asset the app loads exists (the WebSocket is not a plain request).
      page.on('response', (res) => {
        if (res.status() >= 400) badResponses.push(`${who}: ${res.status()} ${res.url()}`);
      });
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('two people pick nicknames and chat in general, in the same order', async () => {
    await Promise.all([alice.goto(server.url), bob.goto(server.url)]);
    await alice.getByRole('heading', { name: 'Choose a nickname' }).waitFor({ timeout: SOON });
    await login(alice, 'alice', SHOTS.login);
    await login(bob, 'bob');

    // Both are shown online in general.
    for (const page of [alice, bob]) {
      await page.locator('.people .person-nick', { hasText: 'alice' }).waitFor({ timeout: SOON });
      await page.locator('.people .person-nick', { hasText: 'bob' }).waitFor({ timeout: SOON });
    }

    await send(alice, 'Hi Bob! Did the deploy go out?');
    // Our own message is marked sent once the server acked it.
    await alice
      .locator('.messages article.message[data-seq][data-status="sent"] .body', { hasText: 'Did the deploy' })
      .waitFor({ timeout: SOON });
    await waitForBody(bob, 'Hi Bob! Did the deploy go out?');

    await send(bob, 'Morning Alice!\nYes: v2.3 is live, metrics look good.');
    await waitForBody(alice, 'Morning Alice!\nYes: v2.3 is live, metrics look good.');

    await send(alice, 'Great, thanks! Café at 11?');
    await waitForBody(bob, 'Great, thanks! Café at 11?');
    await waitForBody(alice, 'Great, thanks! Café at 11?');

    const [a, b] = await Promise.all([bodies(alice), bodies(bob)]);
    expect(a).toEqual([
      'Hi Bob! Did the deploy go out?',
      'Morning Alice!\nYes: v2.3 is live, metrics look good.',
      'Great, thanks! Café at 11?',
    ]);
    expect(b).toEqual(a);
    await expectNoDuplicateSeqs(alice);
    await expectNoDuplicateSeqs(bob);

    // Multi-line bodies keep their line break on screen.
    const box = await alice.locator('.body', { hasText: 'Morning Alice!' }).boundingBox();
    const line = await alice.locator('.body', { hasText: 'Great, thanks' }).boundingBox();
    expect(box!.height).toBeGreaterThan(line!.height * 1.5);
  }, 60_000);

  it('renders HTML in message bodies as literal text', async () => {
    await send(alice, XSS_IMG);
    await send(alice, XSS_SCRIPT);
    for (const page of [alice, bob]) {
      await waitForBody(page, XSS_IMG);
      await waitForBody(page, XSS_SCRIPT);
    }
    // A later message makes sure the payloads had every chance to run before we look.
    await send(bob, 'that was just text');
    await waitForBody(alice, 'that was just text');
    for (const page of [alice, bob]) {
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.locator('.messages img, .messages script').count()).toBe(0);
      expect(await countBody(page, XSS_IMG)).toBe(1);
      expect(await countBody(page, XSS_SCRIPT)).toBe(1);
    }
  }, 30_000);

  it('shows who is typing to the others, and clears it when the message is sent', async () => {
    const box = alice.locator('textarea[name="message"]');
    await box.click();
    await box.pressSequentially('typing a thought');
    await bob.locator('.typing-line', { hasText: 'alice is typing…' }).waitFor({ timeout: SOON });
    // Never shown to the typist themself. (Bob's own "off" from the last test may still be held by
    // the typing throttle for a moment, so the line is not necessarily empty.)
    expect(await alice.locator('.typing-line').innerText()).not.toContain('alice');
    await box.press('Enter');
    await waitForBody(bob, 'typing a thought');
    await bob.waitForFunction(() => document.querySelector('.typing-line')?.textContent === '', undefined, {
      timeout: SOON,
    });
  }, 30_000);

  it('a reload keeps the user and shows the history', async () => {
    const before = await bodies(bob);
    await bob.reload();
    await waitForRoom(bob);
    // Same user again: straight back into the chat, no nickname screen.
    await expect(bob.locator('.me-nick').textContent()).resolves.toBe('bob');
    await waitForBody(bob, 'that was just text');
    expect(await bodies(bob)).toEqual(before);
    expect(before).toContain('Hi Bob! Did the deploy go out?');
    await expectNoDuplicateSeqs(bob);
    expect(await bob.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();

    // And the conversation goes on live after the reload.
    await send(alice, 'welcome back');
    await waitForBody(bob, 'welcome back');
  }, 30_000);

  it('rides out a server restart: reconnecting, then connected, each message once', async () => {
    await Promise.all([recordConnStates(alice), recordConnStates(bob)]);
    const restarted = server.restart();

    // Send while the server is away: the message shows as pending and is delivered after.
    await alice.locator('.room-header .conn:not([data-state="connected"])').waitFor({ timeout: RESTART });
    await send(alice, 'sent during the restart');
    await alice
      .locator('.messages article.message.local .body', { hasText: 'sent during the restart' })
      .waitFor({ timeout: SOON })
      .catch(() => undefined); // it may already be acked if the server came back very fast
    await restarted;

    for (const page of [alice, bob]) {
      await page.locator('.room-header .conn[data-state="connected"]').waitFor({ timeout: RESTART });
      await waitForBody(page, 'sent during the restart', RESTART);
      const states = await connStates(page);
      expect(states).toContain('reconnecting');
      expect(states.lastIndexOf('connected')).toBeGreaterThan(states.indexOf('reconnecting'));
    }

    await send(bob, 'and after it');
    await waitForBody(alice, 'and after it', RESTART);
    await waitForBody(bob, 'and after it', RESTART);
    await alice
      .locator('.messages article.message[data-status="sent"] .body', { hasText: 'sent during the restart' })
      .waitFor({ timeout: SOON });

    const [a, b] = await Promise.all([bodies(alice), bodies(bob)]);
    expect(b).toEqual(a);
    for (const page of [alice, bob]) {
      expect(await countBody(page, 'sent during the restart')).toBe(1);
      expect(await countBody(page, 'and after it')).toBe(1);
      expect(await page.locator('.messages article.message.local').count()).toBe(0);
      await expectNoDuplicateSeqs(page);
    }
    expect(a.slice(-2)).toEqual(['sent during the restart', 'and after it']);
  }, 90_000);

  it('threw no uncaught errors and loaded every asset', async () => {
    const favicon = await alice.evaluate(async () => (await fetch('/favicon.svg')).status);
    expect(favicon).toBe(200);
    expect(app.pageErrors).toEqual([]);
    expect(badResponses).toEqual([]);
  });
});
