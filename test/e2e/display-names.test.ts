/**
 * Display names in Chromium (issue 14 point 2): an account sets one in the settings menu (errors
 * in words), and another account sees it at once on messages — sent before and after — and in the
 * member panel with the @handle beside it; a guest keeps the guest tag and has no such field.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOON, messageRow, registerAccount, send, signedInTab, waitForBody } from '../support/web-page.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

async function openSettings(page: Page): Promise<void> {
  await page.locator('.settings-toggle').click();
  await page.locator('.settings-panel').waitFor({ timeout: SOON });
}

async function saveName(page: Page, name: string): Promise<void> {
  await page.locator('#display-name').fill(name);
  await page.locator('button[name="display-name-save"]').click();
}

describe.skipIf(skipBrowserTests('e2e display names'))('display names', () => {
  let app: WebApp;
  let ann: Page;
  let ben: Page;
  let guest: Page;

  beforeAll(async () => {
    app = await openWebApp();
    await registerAccount(app.server.url, 'ann');
    await registerAccount(app.server.url, 'ben');
    ann = await signedInTab(await app.browser.newContext(), app.server.url, 'ann');
    ben = await signedInTab(await app.browser.newContext(), app.server.url, 'ben');
    guest = await app.guestPage('gus');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('refuses a bad name in words and keeps the field', async () => {
    await openSettings(ann);
    await saveName(ann, 'x'.repeat(65));
    await ann
      .getByRole('alert')
      .filter({ hasText: 'at most 64 characters; this one has 65' })
      .waitFor({ timeout: SOON });
    await saveName(ann, 'evil\u202ename');
    await ann.getByRole('alert').filter({ hasText: 'cannot contain invisible characters' }).waitFor({ timeout: SOON });
    expect(await ann.locator('#display-name').inputValue()).toBe('evil\u202ename');
    await ann.keyboard.press('Escape');
  });

  it('a name set in settings shows on messages and in the member panel of another account, with the @handle', async () => {
    await send(ann, 'before the name');
    await waitForBody(ben, 'before the name');
    await openSettings(ann);
    await saveName(ann, '  Ann   Lee ');
    await ann.locator('.settings-panel .field-ok').filter({ hasText: 'Saved.' }).waitFor({ timeout: SOON });
    // Normalised by the server, and shown back so.
    expect(await ann.locator('#display-name').inputValue()).toBe('Ann Lee');
    await ann.keyboard.press('Escape');

    // The message sent before the name now shows it too (the people directory, not the event).
    const before = messageRow(ben, 'before the name').first();
    await before.locator('.nick:text-is("Ann Lee")').waitFor({ timeout: SOON });
    await expect(before.locator('.person-handle').textContent()).resolves.toBe('@ann');

    const row = ben.locator('.member-list .person:has(.person-handle:text-is("@ann"))');
    await row.locator('.person-nick:text-is("Ann Lee")').waitFor({ timeout: SOON });
    // Ben has no display name: his own messages show the handle alone, as before.
    await send(ben, 'ben here');
    await waitForBody(ann, 'ben here');
    await expect(messageRow(ann, 'ben here').first().locator('.nick').textContent()).resolves.toBe('ben');
    expect(await messageRow(ann, 'ben here').first().locator('.person-handle').count()).toBe(0);
    // Ann's next message starts a new group (ben spoke between): its header has the name.
    await send(ann, 'after the name');
    await waitForBody(ben, 'after the name');
    await expect(messageRow(ben, 'after the name').first().locator('.nick').textContent()).resolves.toBe('Ann Lee');
    // System lines name people as messages do: ann's join, logged before the name, now reads "Ann Lee joined".
    await ben
      .locator('.message.system[data-kind="join"] .body')
      .filter({ hasText: /^Ann Lee joined$/ })
      .first()
      .waitFor({ timeout: SOON });
  }, 60_000);

  it('a guest keeps the guest tag and has no display-name field', async () => {
    const row = ben.locator('.member-list .person:has(.person-nick:text-is("gus"))');
    await row.locator('.guest-tag').waitFor({ timeout: SOON });
    await send(guest, 'a guest speaks');
    await waitForBody(ben, 'a guest speaks');
    await messageRow(ben, 'a guest speaks').first().locator('.guest-tag').waitFor({ timeout: SOON });
    await openSettings(guest);
    expect(await guest.locator('#display-name').count()).toBe(0);
    expect(app.pageErrors).toEqual([]);
  });

  it('clearing the name shows the handle again, live', async () => {
    await openSettings(ann);
    await saveName(ann, '');
    await ann.locator('.settings-panel .field-ok').filter({ hasText: 'people see @ann' }).waitFor({ timeout: SOON });
    await messageRow(ben, 'after the name').first().locator('.nick:text-is("ann")').waitFor({ timeout: SOON });
    await ben
      .locator('.member-list .person:has(.person-handle:text-is("@ann")) .person-nick:text-is("ann")')
      .waitFor({ timeout: SOON });
    expect(app.pageErrors).toEqual([]);
  });
});
