/**
 * People in Chromium (issue 14 points 2 and 11): a guest "bob" and the account @bob — who signed
 * up while that guest held the name, without a "nickname in use" — are two people everyone can
 * tell apart in the member panel and the DM picker; blocking from the member panel folds the
 * blocked person's messages away with "Show", lists them in settings, and stops their DM; the
 * same in Chinese.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOON, messageRow, registerAccount, send, signedInTab, waitForBody } from '../support/web-page.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

/** The member panel's row of the user whose name is `nick` and who is (or is not) a guest. */
const row = (page: Page, nick: string, guest: boolean) =>
  page.locator(
    `.member-list .person:has(.person-nick:text-is("${nick}")):has(.person-name${guest ? '[data-guest="true"]' : ':not([data-guest])'})`,
  );

describe.skipIf(skipBrowserTests('e2e people'))('handles, guests and blocking', () => {
  let app: WebApp;
  let alice: Page;
  let guestBob: Page;
  let accountBob: Page;

  beforeAll(async () => {
    app = await openWebApp();
    alice = await app.guestPage('alice');
    guestBob = await app.guestPage('bob');
    // The name is registered while the guest holds it: the account still signs in (no half-failed sign-up).
    await registerAccount(app.server.url, 'bob');
    accountBob = await signedInTab(await app.browser.newContext(), app.server.url, 'bob');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('shows the guest and the account of one name as two people: a guest tag, and @handle', async () => {
    await row(alice, 'bob', true).waitFor({ timeout: SOON });
    await row(alice, 'bob', false).waitFor({ timeout: SOON });
    await expect(row(alice, 'bob', true).locator('.guest-tag').textContent()).resolves.toBe('guest');
    await expect(row(alice, 'bob', false).locator('.person-handle').textContent()).resolves.toBe('@bob');
    // Each row has its own user id, an avatar initial and a presence dot.
    const ids = await alice
      .locator('.member-list .person:has(.person-nick:text-is("bob"))')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user')));
    expect(new Set(ids).size).toBe(2);
    await expect(row(alice, 'bob', false).locator('.avatar').textContent()).resolves.toBe('B');
    await row(alice, 'bob', false).locator('.presence-dot').waitFor({ timeout: SOON });
    // The DM picker offers both, told apart the same way, and starts the DM with the one picked.
    await alice.locator('.new-dm summary').click();
    const pick = alice.locator('.dm-pick:has(.person-handle:text-is("@bob"))');
    await pick.waitFor({ timeout: SOON });
    await alice.locator('.dm-pick:has(.guest-tag)', { hasText: 'bob' }).waitFor({ timeout: SOON });
    expect(await pick.getAttribute('data-user')).toBe(await row(alice, 'bob', false).getAttribute('data-user'));
    await alice.locator('.new-dm summary').click();
    expect(app.pageErrors).toEqual([]);
  });

  it('blocks the guest from the member panel: messages folded with Show, listed in settings, unblocked again', async () => {
    const guestRow = row(alice, 'bob', true);
    await guestRow.getByRole('button', { name: 'Block bob' }).click();
    await guestRow.locator('.confirm-yes').click();
    await guestRow.getByRole('button', { name: 'Unblock bob' }).waitFor({ timeout: SOON });

    await send(guestBob, 'can you see me');
    await send(accountBob, 'the account speaks');
    await waitForBody(alice, 'the account speaks');
    // The guest's message is folded; the account's is not.
    const folded = alice.locator('.blocked-message', { hasText: 'A message from someone you blocked.' });
    await folded.waitFor({ timeout: SOON });
    await expect(messageRow(alice, 'can you see me').count()).resolves.toBe(0);
    await folded.getByRole('button', { name: 'Show' }).click();
    await waitForBody(alice, 'can you see me');

    // The guest cannot open a DM with alice: nothing opens, and the app says why.
    await guestBob.getByRole('button', { name: 'Send alice a direct message' }).click();
    await guestBob
      .locator('.notice[role="alert"]', { hasText: 'does not accept messages from you' })
      .waitFor({ timeout: SOON });
    await expect(guestBob.locator('.messages').getAttribute('data-room')).resolves.toBe('general');
    await guestBob.locator('.notice').getByRole('button').click();

    // Settings list the blocked person; Unblock there lifts it.
    await alice.locator('.settings-toggle').first().click();
    const listed = alice.locator('.settings-blocked .blocked-list li', { hasText: 'bob' });
    await listed.locator('.guest-tag').waitFor({ timeout: SOON });
    await listed.getByRole('button', { name: 'Unblock bob' }).click();
    await alice.locator('.settings-blocked', { hasText: 'You have not blocked anyone.' }).waitFor({ timeout: SOON });
    await expect(alice.locator('.blocked-message').count()).resolves.toBe(0);
    await waitForBody(alice, 'can you see me');
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('in Chinese: the guest tag and blocking read in Chinese', async () => {
    const ctx = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await ctx.addInitScript(() => localStorage.setItem('parley.locale', 'zh'));
    const carl = await ctx.newPage();
    await carl.goto(app.server.url);
    await carl.locator('input[name="nick"]').fill('carl');
    await carl.locator('form button[type="submit"]').click();
    await carl.locator('.messages[data-room="general"][data-loaded="true"]').waitFor({ timeout: SOON });
    const guestRow = row(carl, 'bob', true);
    await expect(guestRow.locator('.guest-tag').textContent({ timeout: SOON })).resolves.toBe('访客');
    await guestRow.getByRole('button', { name: '屏蔽 bob' }).click();
    await guestRow.locator('.confirm-yes').click();
    await guestRow.getByRole('button', { name: '取消屏蔽 bob' }).waitFor({ timeout: SOON });
    await send(guestBob, '你好 carl');
    // bob's earlier message (history) and this one, both folded; the newest is last.
    const folded = carl.locator('.blocked-message', { hasText: '一条来自你已屏蔽的人的消息。' });
    await folded.nth(1).waitFor({ timeout: SOON });
    await folded.last().getByRole('button', { name: '显示' }).click({ timeout: SOON });
    await waitForBody(carl, '你好 carl');
    // Blocked by alice, carl's "Message" says so in Chinese.
    const carlRow = alice.locator('.member-list .person:has(.person-nick:text-is("carl"))');
    await carlRow.getByRole('button', { name: 'Block carl' }).click({ timeout: SOON });
    await carlRow.locator('.confirm-yes').click();
    await carlRow.getByRole('button', { name: 'Unblock carl' }).waitFor({ timeout: SOON });
    await carl.getByRole('button', { name: '给 alice 发私信' }).click();
    await carl.locator('.notice[role="alert"]', { hasText: '对方不接收你的消息。' }).waitFor({ timeout: SOON });
    await expect(carl.locator('.messages').getAttribute('data-room')).resolves.toBe('general');
    expect(app.pageErrors).toEqual([]);
  });
});
