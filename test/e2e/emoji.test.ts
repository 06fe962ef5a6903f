/**
 * Emoji and the composer in Chromium against the real server (issue 14 points 8 and 9): a colour
 * emoji font in the font stack, the full searchable picker for the composer and for reactions,
 * `:shortcode:` completion, the over-limit counter in words, and drafts that survive a reload.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOON, messageRow, send, waitForRoom } from '../support/web-page.ts';
import { screenshotPath, skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const composer = (page: Page) => page.locator('.composer textarea[name="message"]');

describe.skipIf(skipBrowserTests('e2e emoji'))('emoji and the composer in Chromium', () => {
  let app: WebApp;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    app = await openWebApp();
    alice = await app.guestPage('alice');
    bob = await app.guestPage('bob');
  }, 120_000);

  afterAll(async () => {
    expect(app?.pageErrors).toEqual([]);
    await app?.close();
  }, 30_000);

  it('draws emoji with a colour emoji font, even those a text font also has', async () => {
    for (const sel of ['.messages', '.composer textarea']) {
      const family = await alice
        .locator(sel)
        .first()
        .evaluate((el) => getComputedStyle(el).fontFamily);
      expect(family).toContain('Noto Color Emoji');
      expect(family).toContain('Apple Color Emoji');
      expect(family).toContain('Segoe UI Emoji');
    }
    // 😀 and ☺ are in DejaVu Sans too (monochrome): the page must still use the colour font.
    await send(alice, '😀☺️');
    const row = messageRow(bob, '😀☺️');
    await row.waitFor({ timeout: SOON });
    const cdp = await bob.context().newCDPSession(bob);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '.messages .body' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId: nodeIds[nodeIds.length - 1]! });
    expect(fonts.map((f) => f.familyName)).toEqual(['Noto Color Emoji']);
    await cdp.detach();
  }, 30_000);

  it('inserts an emoji from the searchable picker at the caret', async () => {
    await composer(alice).fill('ship it ');
    await alice.getByRole('button', { name: 'Add emoji' }).click();
    const panel = alice.locator('.composer .emoji-panel');
    // The whole set, in groups, once its data has loaded.
    await panel.locator('.emoji-group').first().waitFor({ timeout: SOON });
    expect(await panel.locator('.emoji-cell').count()).toBeGreaterThan(1500);
    await alice.screenshot({ path: screenshotPath('emoji-picker.png') });
    await panel.getByRole('searchbox', { name: 'Search emoji' }).fill('party popper');
    await panel.locator('.emoji-cell[data-emoji="🎉"]').click();
    await expect(composer(alice).inputValue()).resolves.toBe('ship it 🎉');
    await expect(panel.count()).resolves.toBe(0);
    // Enter in the search takes the first match and never sends the message.
    await alice.getByRole('button', { name: 'Add emoji' }).click();
    await panel.getByRole('searchbox', { name: 'Search emoji' }).fill('rocket');
    await panel.getByRole('searchbox', { name: 'Search emoji' }).press('Enter');
    await expect(composer(alice).inputValue()).resolves.toBe('ship it 🎉🚀');
    await composer(alice).press('Enter');
    await messageRow(bob, 'ship it 🎉🚀').waitFor({ timeout: SOON });
  }, 30_000);

  it('completes :shortcodes: in the composer, and turns a typed :tada: into 🎉', async () => {
    const box = composer(alice);
    await box.fill('');
    await box.pressSequentially('good :thumbsu');
    const option = alice.locator('.emoji-popup .emoji-option').first();
    await option.waitFor({ timeout: SOON });
    await expect(option.getAttribute('data-code')).resolves.toBe('thumbsup');
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('good 👍');
    await box.pressSequentially(' :tada: and 12:30');
    await expect(box.inputValue()).resolves.toBe('good 👍 🎉 and 12:30');
    // A time or a URL never opens the list.
    await expect(alice.locator('.emoji-popup').count()).resolves.toBe(0);
    await box.press('Enter');
    await messageRow(bob, 'good 👍 🎉 and 12:30').waitFor({ timeout: SOON });
  }, 30_000);

  it('reacts with any emoji from the full picker', async () => {
    const msg = messageRow(bob, 'good 👍 🎉 and 12:30');
    await msg.hover();
    await msg.locator('.action-react').click();
    await msg.locator('.emoji-more').click();
    const panel = msg.locator('.emoji-panel');
    await panel.getByRole('searchbox', { name: 'Search emoji' }).fill('avocado');
    await panel.locator('.emoji-cell[data-emoji="🥑"]').click();
    await expect(panel.count()).resolves.toBe(0);
    await messageRow(alice, 'good 👍 🎉 and 12:30').locator('.reaction[data-emoji="🥑"][data-count="1"]').waitFor({
      timeout: SOON,
    });
    // The quick row's ❤️ and the picker's heart are the same reaction.
    await msg.hover();
    await msg.locator('.action-react').click();
    await msg.locator('.emoji-more').click();
    await panel.getByRole('searchbox', { name: 'Search emoji' }).fill('red heart');
    await panel.locator('.emoji-cell').first().click();
    await msg.locator('.reaction[data-emoji="❤️"]').waitFor({ timeout: SOON });
    await bob.screenshot({ path: screenshotPath('emoji-reactions.png') });
  }, 30_000);

  it('says how many characters too many, and keeps a draft across a reload', async () => {
    const box = composer(alice);
    await box.fill('x'.repeat(4000 - 150));
    await expect(alice.locator('.composer .counter').textContent()).resolves.toBe('150 characters left');
    await box.fill('x'.repeat(4003));
    await expect(alice.locator('.composer .counter.over').textContent()).resolves.toBe('3 characters too many');
    await expect(alice.locator('.composer button.send').isDisabled()).resolves.toBe(true);

    await box.fill('half-written thought');
    await alice.reload();
    await waitForRoom(alice);
    await expect(composer(alice).inputValue()).resolves.toBe('half-written thought');
    await send(alice, 'half-written thought, finished');
    await alice.reload();
    await waitForRoom(alice);
    await expect(composer(alice).inputValue()).resolves.toBe('');
  }, 60_000);

  it('fits the emoji panels on a phone screen', async () => {
    const phone = await app.guestPage('pat', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await send(phone, 'from my phone');
    const inside = async (sel: string): Promise<void> => {
      const box = await phone.locator(sel).boundingBox();
      expect(box).toBeTruthy();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      expect(box!.y + box!.height).toBeLessThanOrEqual(844);
    };
    await phone.getByRole('button', { name: 'Add emoji' }).tap();
    await phone.locator('.composer .emoji-panel .emoji-cell').first().waitFor({ timeout: SOON });
    await inside('.composer .emoji-panel');
    await phone.getByRole('button', { name: 'Add emoji' }).tap();
    const msg = messageRow(phone, 'from my phone');
    await msg.tap();
    await msg.locator('.action-react').tap();
    await msg.locator('.emoji-more').tap();
    await msg.locator('.emoji-panel .emoji-cell').first().waitFor({ timeout: SOON });
    await inside('.messages .emoji-panel');
    await phone.screenshot({ path: screenshotPath('emoji-phone.png') });
  }, 60_000);
});
