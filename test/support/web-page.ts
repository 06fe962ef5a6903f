/** Steps shared by the browser tests: sign in as a guest, wait for a room, send, find a message. */
import type { Locator, Page } from 'playwright-core';

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
