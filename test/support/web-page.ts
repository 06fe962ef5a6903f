/** Steps shared by the browser tests: sign in as a guest, wait for a room, send, find a message. */
import type { BrowserContext, Locator, Page } from 'playwright-core';

/** Deadline for anything the UI should show "soon". */
export const SOON = 10_000;

/** Waits until the page is connected and shows `room`, joined and loaded. */
export async function waitForRoom(page: Page, room = 'general'): Promise<void> {
  await page.locator('.room-header .conn[data-state="connected"]').waitFor({ timeout: SOON });
  await page
    .locator(`.messages[data-room="${room}"][data-status="joined"][data-loaded="true"]`)
    .waitFor({ timeout: SOON });
}

/** Opens `url` and joins as a guest with `nick` (the English UI). */
export async function loginAsGuest(page: Page, url: string, nick: string): Promise<void> {
  await page.goto(url);
  await page.locator('input[name="nick"]').fill(nick);
  await page.getByRole('button', { name: 'Join the chat' }).click();
  await waitForRoom(page);
}

/** Sends `text` from the composer with Enter and waits until the box is empty again. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('.composer textarea[name="message"]');
  await box.fill(text);
  await box.press('Enter');
  await page.waitForFunction(
    () => document.querySelector<HTMLTextAreaElement>('.composer textarea[name="message"]')?.value === '',
    undefined,
    { timeout: SOON },
  );
}

/** The log entry (not a pending one) whose body is exactly `text`. */
export function messageRow(page: Page, text: string): Locator {
  const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('.messages article.message[data-seq]', { has: page.locator('.body', { hasText: exact }) });
}

/** Waits until a log entry with exactly this body is shown. */
export async function waitForBody(page: Page, text: string, timeout = SOON): Promise<void> {
  await messageRow(page, text).first().waitFor({ timeout });
}

/** The password test accounts get from registerAccount. */
export const TEST_PASSWORD = 'correct horse battery';

interface Auth {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: { readonly id: string; readonly nick: string };
}

async function postAuth(url: string, path: string, username: string): Promise<Auth> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Auth;
}

/** Registers an account with TEST_PASSWORD over the HTTP API. */
export async function registerAccount(url: string, username: string): Promise<void> {
  await postAuth(url, '/api/auth/register', username);
}

/**
 * A tab signed in as the account. The first tab of a context signs in as the app does (the refresh
 * token in the HttpOnly cookie, the account named in localStorage); later tabs share that sign-in.
 */
export async function signedInTab(ctx: BrowserContext, url: string, username: string): Promise<Page> {
  const signedIn = (await ctx.cookies(url)).some((c) => c.name === 'parley_refresh');
  if (!signedIn) {
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: url },
      body: JSON.stringify({ username, password: TEST_PASSWORD, cookie: true }),
    });
    if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
    const { user } = (await res.json()) as Pick<Auth, 'user'>;
    const token = /parley_refresh=([^;]+)/.exec(res.headers.getSetCookie().join('\n'))?.[1] ?? '';
    await ctx.addCookies([
      { name: 'parley_refresh', value: token, url: `${url}/api/auth`, httpOnly: true, sameSite: 'Strict' },
    ]);
    await ctx.addInitScript((hint) => {
      if (!localStorage.getItem('parley.account')) localStorage.setItem('parley.account', hint);
    }, JSON.stringify(user));
  }
  const page = await ctx.newPage();
  await page.goto(url);
  await waitForRoom(page, 'general');
  return page;
}

/** Searches from the header's box and waits for the results panel to be done. */
export async function searchFor(page: Page, q: string, timeout = SOON): Promise<void> {
  const box = page.getByRole('searchbox', { name: 'Search messages' });
  await box.fill(q);
  await box.press('Enter');
  await page.locator('.search-panel[data-status="done"]').waitFor({ timeout });
}
