/**
 * Accounts in the browser app against the real server (guests off, short-lived access tokens):
 * create an account, chat, ride out token expiry by refreshing, reload and stay signed in, and
 * sign out revoking the refresh token. Sessions shared by tabs and guests: sessions.test.ts.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.ts';
import { SOON, waitForBody, waitForRoom } from '../support/web-page.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

/** Types key by key, as a person does (the shared send fills the box). */
async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('textarea[name="message"]');
  await box.click();
  await box.pressSequentially(text);
  await box.press('Enter');
  await expect(box.inputValue()).resolves.toBe('');
}

/** The refresh cookie the browser holds (HttpOnly: only the test harness can read it). */
const cookie = async (page: Page): Promise<string | undefined> =>
  (await page.context().cookies()).find((c) => c.name === 'parley_refresh')?.value;

/** Everything page scripts can read: storage and document.cookie. */
const readable = (page: Page): Promise<string> =>
  page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage, cookie: document.cookie }));

const refreshed = (page: Page) =>
  page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh') && r.status() === 200, { timeout: SOON });

describe.skipIf(skipBrowserTests('e2e accounts'))('accounts in the web app', () => {
  let app: WebApp;
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    app = await openWebApp({
      // Two failed logins per username, then one every 2 s: short enough to wait out in a test.
      args: [
        '--guests',
        'off',
        '--access-token-ttl-ms',
        '3000',
        '--login-failures-burst',
        '2',
        '--login-failures-per-min',
        '30',
      ],
    });
    server = app.server;
    page = await app.newPage({ viewport: { width: 1280, height: 720 } });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('registers, chats, refreshes on expiry, reloads and stays signed in, signs out', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: SOON });
    // Guests are off: no guest tab.
    expect(await page.getByRole('tab', { name: 'Continue as guest' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Create account' }).click();
    await page.locator('input[name="username"]').fill('<b>Ada</b>');
    await page.locator('input[name="password"]').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The username is refused by the client-side rule first; fix it.
    await page.locator('.field-error').first().waitFor({ timeout: SOON });
    await page.locator('input[name="username"]').fill('ada');
    await page.getByRole('button', { name: 'Create account' }).click();
    await waitForRoom(page);
    await expect(page.locator('.me-nick').textContent()).resolves.toBe('ada');

    await send(page, 'first <i>message</i>');
    await waitForBody(page, 'first <i>message</i>');
    // The refresh token is an HttpOnly cookie: no page script can read it, and no token is stored.
    const first = await cookie(page);
    expect(first).toMatch(/^[\w-]{40,}$/);
    expect(await readable(page)).not.toContain(first);
    expect(await readable(page)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    // The 3 s access token expires: the server closes (4410), the app refreshes and reconnects.
    await refreshed(page);
    await waitForRoom(page);
    await expect.poll(() => cookie(page), { timeout: SOON }).not.toBe(first);
    await send(page, 'after the refresh');
    await waitForBody(page, 'after the refresh');

    await page.reload();
    await waitForRoom(page);
    await expect(page.locator('.me-nick').textContent()).resolves.toBe('ada');
    await waitForBody(page, 'first <i>message</i>');
    await waitForBody(page, 'after the refresh');
    expect(await page.locator('.messages i, .messages b').count()).toBe(0);

    const refreshToken = await cookie(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: SOON });
    // The card opens on "Sign in" with the account's name, and the cookie is gone.
    await expect(page.locator('input[name="username"]').inputValue()).resolves.toBe('ada');
    await expect.poll(() => cookie(page), { timeout: SOON }).toBeUndefined();
    // Logout revoked the refresh token on the server.
    await expect
      .poll(
        async () =>
          (
            await fetch(`${server.url}/api/auth/refresh`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ refreshToken }),
            })
          ).status,
        { timeout: SOON },
      )
      .toBe(401);
    expect(app.pageErrors).toEqual([]);
  }, 90_000);
  it('returns to the sign-in form when the session is ended elsewhere, and counts down a throttled sign-in', async () => {
    const other = await app.newPage({ viewport: { width: 1280, height: 720 } });
    await other.goto(server.url);
    await other.getByRole('tab', { name: 'Create account' }).click();
    await other.locator('input[name="username"]').fill('grace');
    await other.locator('input[name="password"]').fill('correct horse battery');
    await other.getByRole('button', { name: 'Create account' }).click();
    await waitForRoom(other);

    // "Sign out" on another device: the session ends, the server closes this tab's socket (4411).
    const refreshToken = await cookie(other);
    const res = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(res.status).toBe(200);
    await other.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: SOON });
    await expect(other.locator('.alert').textContent()).resolves.toMatch(/signed out/i);
    await expect(other.locator('input[name="username"]').inputValue()).resolves.toBe('grace');
    await expect.poll(() => cookie(other), { timeout: SOON }).toBeUndefined();

    // Wrong passwords until the server throttles: the form says how long to wait and holds the button.
    const password = other.locator('input[name="password"]');
    const submit = other.getByRole('button', { name: 'Sign in' });
    for (let i = 0; i < 3; i++) {
      await password.fill(`wrong password ${i}`);
      await submit.click();
      await other.locator('.alert').waitFor({ timeout: SOON });
    }
    await other.getByText(/Try again in \d+ s/).waitFor({ timeout: SOON });
    expect(await submit.isDisabled()).toBe(true);
    // Once the wait is over the right password gets in.
    await password.fill('correct horse battery');
    await other.waitForFunction(
      () => !(document.querySelector('button.primary[type="submit"]') as HTMLButtonElement | null)?.disabled,
      undefined,
      { timeout: SOON },
    );
    await submit.click();
    await waitForRoom(other);
    await expect(other.locator('.me-nick').textContent()).resolves.toBe('grace');
    expect(app.pageErrors).toEqual([]);
  }, 90_000);
});
