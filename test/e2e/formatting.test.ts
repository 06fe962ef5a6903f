/**
 * Messages as people type them in chat apps (issue 14 points 4 and 13), in Chromium against the
 * real server: Markdown shown formatted and never as markup, hostile Markdown kept as text,
 * consecutive messages grouped, long ones folded, "✓ sent" only briefly, times without a leading
 * zero, one toolbar at a time, and search still marking formatted words.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOON, messageRow, searchFor, send } from '../support/web-page.ts';
import { screenshotPath, skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const row = (page: Page, seq: number) => page.locator(`.messages article.message[data-seq="${seq}"]`);

/** The seq of the newest log entry whose text contains `text`. */
async function seqOf(page: Page, text: string): Promise<number> {
  const m = page.locator('.messages article.message[data-seq]', { hasText: text }).last();
  await m.waitFor({ timeout: SOON });
  return Number(await m.getAttribute('data-seq'));
}

describe.skipIf(skipBrowserTests('e2e formatting'))('formatted and grouped messages in Chromium', () => {
  let app: WebApp;
  let alice: Page;
  let bob: Page;
  /** Requests Bob's page made to the tracker address of the hostile image below. */
  const tracked: string[] = [];

  beforeAll(async () => {
    app = await openWebApp();
    alice = await app.guestPage('alice', { locale: 'en-US' });
    bob = await app.guestPage('bob', { locale: 'en-US' });
    bob.on('request', (r) => {
      if (r.url().includes('tracker')) tracked.push(r.url());
    });
  }, 120_000);

  afterAll(async () => {
    expect(app?.pageErrors).toEqual([]);
    await app?.close();
  }, 30_000);

  it('shows bold, italic, code, code blocks, quotes, lists and links as Bob types them', async () => {
    await send(
      alice,
      [
        'Release **v2.3** is _out_, *finally*, ~~late~~; run `npm ci` first.',
        '> the checklist is done',
        '',
        '- migrate the db',
        '- restart @bob',
        '',
        '1. one',
        '2. two',
        '',
        '```sh',
        'npm run deploy -- <prod>',
        '```',
        'Docs: [the guide](https://example.com/guide) and https://example.org/plain',
      ].join('\n'),
    );
    const seq = await seqOf(bob, 'Release');
    const body = row(bob, seq).locator('.body');
    await expect(body.locator('strong').first().textContent()).resolves.toBe('v2.3');
    await expect(body.locator('em').allTextContents()).resolves.toEqual(['out', 'finally']);
    await expect(body.locator('del').textContent()).resolves.toBe('late');
    await expect(body.locator('code.md-code').textContent()).resolves.toBe('npm ci');
    await expect(body.locator('blockquote').textContent()).resolves.toBe('the checklist is done');
    await expect(body.locator('ul > li').allTextContents()).resolves.toEqual(['migrate the db', 'restart @bob']);
    await expect(body.locator('ol > li').allTextContents()).resolves.toEqual(['one', 'two']);
    await expect(body.locator('pre code').textContent()).resolves.toBe('npm run deploy -- <prod>');
    await expect(body.locator('pre').getAttribute('data-lang')).resolves.toBe('sh');
    // @mentions inside formatting are still found; links keep their safe attributes.
    await expect(body.locator('li .mention-me').textContent()).resolves.toBe('@bob');
    const guide = body.locator('a', { hasText: 'the guide' });
    await expect(guide.getAttribute('href')).resolves.toBe('https://example.com/guide');
    await expect(guide.getAttribute('rel')).resolves.toContain('noopener');
    await expect(guide.getAttribute('target')).resolves.toBe('_blank');
    await expect(body.locator('a[href="https://example.org/plain"]').count()).resolves.toBe(1);
    await bob.screenshot({ path: screenshotPath('formatting.png') });
  }, 30_000);

  it('keeps hostile Markdown and HTML as text: no script, no javascript: link, no remote image', async () => {
    const tracker = `${app.server.url}/tracker.png`;
    const hostile = [
      '[click me](javascript:window.__pwned=1) <img src=x onerror="window.__pwned=2">',
      `![pixel](${tracker}) <script>window.__pwned=3</script> [data](data:text/html,hi)`,
      '<b onclick="window.__pwned=4">bold?</b>',
    ].join('\n');
    await send(alice, hostile);
    const seq = await seqOf(bob, 'click me');
    const body = row(bob, seq).locator('.body');
    await expect(body.locator('img, script, b, iframe').count()).resolves.toBe(0);
    await expect(body.locator('a[href^="javascript:"], a[href^="data:"]').count()).resolves.toBe(0);
    const text = await body.textContent();
    expect(text).toContain('[click me](javascript:window.__pwned=1)');
    expect(text).toContain('<img src=x onerror="window.__pwned=2">');
    expect(text).toContain('<script>window.__pwned=3</script>');
    // The image is at most a link to click, never loaded.
    const pixel = body.locator('a', { hasText: 'pixel' });
    await expect(pixel.getAttribute('href')).resolves.toBe(tracker);
    expect(tracked).toEqual([]);
    expect(await bob.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await bob.evaluate(() => document.querySelectorAll('.messages [onclick], .messages [onerror]').length)).toBe(
      0,
    );
  }, 30_000);

  it('groups consecutive messages of one sender under one name and avatar', async () => {
    await send(bob, 'first of mine');
    await send(alice, 'group one');
    await send(alice, 'group two');
    await send(alice, 'group three');
    const [one, two, three] = await Promise.all(['group one', 'group two', 'group three'].map((s) => seqOf(bob, s)));
    await expect(row(bob, one!).getAttribute('class')).resolves.not.toContain('grouped');
    await expect(row(bob, one!).locator('.nick').textContent()).resolves.toBe('alice');
    for (const seq of [two!, three!]) {
      await expect(row(bob, seq).getAttribute('class')).resolves.toContain('grouped');
      await expect(row(bob, seq).locator('.nick, .avatar').count()).resolves.toBe(0);
      // Still named for screen readers, and the time shows on hover.
      await expect(row(bob, seq).locator('.sr-only').textContent()).resolves.toBe('alice');
    }
    await row(bob, two!).hover();
    await expect(row(bob, two!).locator('.gutter-time').isVisible()).resolves.toBe(true);
    // Someone else in between starts a new group.
    await send(bob, 'interrupting');
    await send(alice, 'after bob');
    const after = await seqOf(bob, 'after bob');
    await expect(row(bob, after).locator('.nick').textContent()).resolves.toBe('alice');
  }, 30_000);

  it('folds a long message behind "Show more" and unfolds it with "Show less"', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1} of a long report`);
    await send(alice, lines.join('\n'));
    const seq = await seqOf(bob, 'line 40 of a long report');
    const msg = row(bob, seq);
    const more = msg.getByRole('button', { name: 'Show more' });
    await more.waitFor({ timeout: SOON });
    const clipped = () => msg.locator('.body').evaluate((el) => el.scrollHeight > el.clientHeight + 2);
    await expect(clipped()).resolves.toBe(true);
    await more.click();
    await expect(clipped()).resolves.toBe(false);
    await expect(msg.locator('.body').textContent()).resolves.toBe(lines.join('\n'));
    await msg.getByRole('button', { name: 'Show less' }).click();
    await expect(clipped()).resolves.toBe(true);
    // A short message has no such button.
    const short = await seqOf(bob, 'after bob');
    await expect(row(bob, short).locator('.show-more').count()).resolves.toBe(0);
  }, 30_000);

  it('says "✓ sent" briefly after sending, never on a deleted message, and times have no leading zero', async () => {
    await send(alice, 'ack me');
    const seq = await seqOf(alice, 'ack me');
    const status = row(alice, seq).locator('.status-sent');
    await status.waitFor({ timeout: SOON });
    // It fades out after a few seconds.
    await alice.waitForFunction(
      (s) => {
        const el = document.querySelector(`.messages article.message[data-seq="${s}"] .status-sent`);
        return !el || getComputedStyle(el).opacity === '0';
      },
      seq,
      { timeout: SOON },
    );
    // Older messages of Alice's (sent in earlier tests, scrolled away and back or not) show none.
    const visibleOld = await alice
      .locator('.messages article.message[data-seq] .status-sent')
      .evaluateAll((els) => els.filter((e) => getComputedStyle(e).opacity !== '0').length);
    expect(visibleOld).toBe(0);

    await send(alice, 'delete me soon');
    const doomed = await seqOf(alice, 'delete me soon');
    await row(alice, doomed).hover();
    await row(alice, doomed).locator('.action-delete').click();
    await row(alice, doomed).locator('.confirm-delete').click();
    await row(alice, doomed).locator('.body.deleted').waitFor({ timeout: SOON });
    await expect(row(alice, doomed).locator('.status-sent').count()).resolves.toBe(0);
    await expect(row(alice, doomed).getAttribute('data-status')).resolves.toBeNull();

    const times = await bob.locator('.messages article.message .message-meta time').allTextContents();
    expect(times.length).toBeGreaterThan(0);
    for (const time of times) expect(time).toMatch(/^(?:[1-9]|1[0-2]):[0-5]\d\s?[AP]M$/);
  }, 30_000);

  it('shows one message toolbar at a time', async () => {
    const a = await seqOf(bob, 'group one');
    const b = await seqOf(bob, 'group two');
    await row(bob, a).hover();
    await row(bob, a).locator('.action-react').click();
    await row(bob, a).locator('.emoji-picker').waitFor({ timeout: SOON });
    // Hovering another message while a picker is open does not show a second toolbar.
    await row(bob, b).hover();
    const opacity = (seq: number) =>
      row(bob, seq)
        .locator('.message-actions')
        .evaluate((el) => getComputedStyle(el).opacity);
    await expect(opacity(b)).resolves.toBe('0');
    await expect(opacity(a)).resolves.toBe('1');
    // A click elsewhere closes it; then the other message's toolbar works as usual.
    await row(bob, b).locator('.body').click();
    await row(bob, a).locator('.emoji-picker').waitFor({ state: 'detached', timeout: SOON });
    await row(bob, b).hover();
    await row(bob, b).locator('.action-react').click();
    await row(bob, b).locator('.emoji-picker').waitFor({ timeout: SOON });
    await expect(opacity(b)).resolves.toBe('1');
    // Only one toolbar is visible on the page at any time.
    const shown = await bob
      .locator('.message-actions')
      .evaluateAll((els) => els.filter((e) => getComputedStyle(e).opacity !== '0').length);
    expect(shown).toBe(1);
    await bob.keyboard.press('Escape');
    await row(bob, b).locator('.emoji-picker').waitFor({ state: 'detached', timeout: SOON });
  }, 30_000);

  it('finds a formatted message by its words and marks them in the result', async () => {
    await send(alice, 'the **quarterly** numbers are in `report.pdf`');
    await messageRow(bob, 'the quarterly numbers are in report.pdf').waitFor({ timeout: SOON });
    await searchFor(bob, 'quarterly');
    const hit = bob.locator('.search-panel .search-hit').first();
    await expect(hit.locator('mark').allTextContents()).resolves.toEqual(['quarterly']);
    await bob.keyboard.press('Escape');
  }, 30_000);
});
