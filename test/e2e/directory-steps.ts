/** Joining a room as people do: "Browse rooms", pick it (its preview shows), then "Join #room". */
import type { Page } from 'playwright-core';
import { SOON, waitForRoom } from '../support/web-page.ts';

/** Opens the directory and picks `room`: its preview loads (nobody is told). */
export async function previewRoom(page: Page, room: string): Promise<void> {
  await page.locator('.browse-rooms').click();
  await page.locator('dialog.directory[open] input[name="directory-filter"]').fill(room);
  await page.locator(`.directory-room[data-room="${room}"]`).click({ timeout: SOON });
  await page.locator('.directory-preview .preview-join').waitFor({ timeout: SOON });
}

/** Previews `room` in the directory, joins it and waits until it is open. */
export async function joinFromDirectory(page: Page, room: string): Promise<void> {
  await previewRoom(page, room);
  await page.locator('.directory-preview .preview-join').click();
  await waitForRoom(page, room);
}
