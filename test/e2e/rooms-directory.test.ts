/**
 * Your rooms and the directory, membership wording and search, in Chromium as people use them
 * (issue 14 points 1, 7, 10). Olga, a Node SDK client, owns the rooms and moderates; bob (English)
 * and carl (Chinese) use the app. Bob previews a public room without anyone hearing of it, joins
 * it from the preview, is told of an invite (the room appears live), is banned (told so, the room
 * leaves his sidebar and the directory, nothing hangs on "Joining"); search closes with Escape,
 * names a DM by its person, finds a file by name, and is cleared when he changes rooms.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ParleyClient } from '../../src/client/index.ts';
import { SOON, searchFor, send, waitForRoom } from '../support/web-page.ts';
import { previewRoom } from './directory-steps.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

async function nodeClient(url: string, nick: string): Promise<ParleyClient> {
  const client = createClient({ url, nick, WebSocket });
  await new Promise<void>((resolve, reject) => {
    client.on('welcome', () => resolve());
    client.on('error', (e) => reject(e));
  });
  return client;
}

const idOf = async (olga: ParleyClient, room: string, nick: string): Promise<string> => {
  const { members } = await olga.members(room);
  const m = members.find((x) => x.user.nick === nick);
  if (!m) throw new Error(`${nick} is not in ${room}`);
  return m.user.id;
};

const notice = (page: Page, text: string) =>
  page.locator('.notice[role="alert"]', { hasText: text }).waitFor({ timeout: SOON });

describe.skipIf(skipBrowserTests('e2e rooms directory'))('your rooms, the directory and search', () => {
  let app: WebApp;
  let olga: ParleyClient;
  let bob: Page;
  let bobId: string;

  beforeAll(async () => {
    app = await openWebApp();
    olga = await nodeClient(app.server.wsUrl, 'olga');
    await olga.createRoom('den', 'The den');
    await olga.join('den');
    await olga.send('den', '**secret** plans for friday');
    bob = await app.guestPage('bob');
  }, 120_000);

  afterAll(async () => {
    olga?.close();
    await app?.close();
  }, 30_000);

  it('bob previews a public room without joining, then joins it from the preview', async () => {
    // Not his room: not in his sidebar, but in the directory.
    await expect(bob.locator('.room-link[data-room="den"]').count()).resolves.toBe(0);
    await previewRoom(bob, 'den');
    const line = bob.locator('.preview-messages li', { hasText: 'secret plans for friday' });
    await line.waitFor({ timeout: SOON });
    // Formatted as in the room: Markdown as elements, never the asterisks.
    await expect(line.locator('.preview-text strong').textContent()).resolves.toBe('secret');
    await expect(bob.locator('.directory-preview .preview-join').textContent()).resolves.toBe('Join #den');
    // Reading it told nobody: olga's room still has her alone, and no join in its log.
    expect((await olga.members('den')).members.map((m) => m.user.nick)).toEqual(['olga']);
    const log = await olga.history('den', { limit: 50 });
    expect(log.events.filter((e) => e.kind === 'join').map((e) => e.sender.nick)).toEqual(['olga']);
    await bob.locator('.directory-preview .preview-join').click();
    await waitForRoom(bob, 'den');
    await bob.locator('.room-link[data-room="den"]').waitFor({ timeout: SOON });
    await expect(bob.locator('dialog.directory[open]').count()).resolves.toBe(0);
    bobId = await idOf(olga, 'den', 'bob');
    // The directory no longer offers it: the sidebar and the directory never disagree.
    await bob.locator('.browse-rooms').click();
    await bob.locator('dialog.directory[open] .directory-list').waitFor({ timeout: SOON });
    await expect(bob.locator('.directory-room[data-room="den"]').count()).resolves.toBe(0);
    await bob.keyboard.press('Escape');
    await bob.locator('dialog.directory[open]').waitFor({ state: 'detached', timeout: SOON });
  });

  it('an invite is told and the room is listed live', async () => {
    await olga.createRoom('vault', 'Vault', { visibility: 'private' });
    await olga.join('vault');
    await olga.invite('vault', bobId);
    await notice(bob, 'olga invited you to #vault');
    await bob.locator('.room-link[data-room="vault"]').waitFor({ timeout: SOON });
    const upload = new TextEncoder().encode('numbers\n');
    await olga.sendFile('vault', upload, 'see attached', { name: 'Budget-2027.txt' });
  });

  it('search closes with Escape, names a DM by its person, finds files by name, and stays in its room', async () => {
    const dm = await olga.dm([bobId]);
    await olga.join(dm.name);
    await olga.send(dm.name, 'the zebra password');
    await bob.locator(`.dm-link[data-room="${dm.name}"]`).waitFor({ timeout: SOON });

    await searchFor(bob, 'zebra');
    const hit = bob.locator('.search-hit').first();
    await expect(hit.locator('.search-hit-room').textContent()).resolves.toBe('@olga');
    // The results cover the messages, never the composer: it stays clickable.
    await bob.locator('.composer textarea[name="message"]').click({ timeout: SOON });
    await bob.keyboard.press('Escape');
    await bob.locator('.search-panel').waitFor({ state: 'detached', timeout: SOON });

    await searchFor(bob, 'budget-2027');
    const file = bob.locator('.search-hit[data-room="vault"]');
    await file.waitFor({ timeout: SOON });
    await expect(file.locator('.search-hit-file').textContent()).resolves.toBe('Budget-2027.txt');
    // Changing rooms yourself leaves the query behind.
    await bob.locator('.room-link[data-room="general"]').click();
    await waitForRoom(bob, 'general');
    await expect(bob.locator('.search-panel').count()).resolves.toBe(0);
    await expect(bob.locator('.search-box input').inputValue()).resolves.toBe('');

    // A 1:1 DM has a topic but no title to rename.
    await bob.locator(`.dm-link[data-room="${dm.name}"]`).click();
    await waitForRoom(bob, dm.name);
    await bob.getByRole('button', { name: 'Edit the topic' }).click();
    await bob.locator('input[name="room-topic"]').waitFor({ timeout: SOON });
    await expect(bob.locator('input[name="room-title"]').count()).resolves.toBe(0);
    await bob.keyboard.press('Escape');
  });

  it('a banned person is told so; the room leaves the sidebar and the directory; nothing hangs', async () => {
    await bob.locator('.room-link[data-room="den"]').click();
    await waitForRoom(bob, 'den');
    await olga.ban('den', bobId);
    await notice(bob, 'olga banned you from #den');
    await bob.locator('.room-link[data-room="den"]').waitFor({ state: 'detached', timeout: SOON });
    // Another of his rooms is shown, ready to write in.
    await waitForRoom(bob, 'general');
    await send(bob, 'still here');
    await bob.locator('.browse-rooms').click();
    await bob.locator('dialog.directory[open] .directory-list').waitFor({ timeout: SOON });
    await expect(bob.locator('.directory-room[data-room="den"]').count()).resolves.toBe(0);
    await bob.keyboard.press('Escape');
  });

  it('in Chinese: the directory, joining and a ban are worded in Chinese', async () => {
    const carl = await app.newPage();
    await carl.addInitScript(() => localStorage.setItem('parley.locale', 'zh'));
    await carl.goto(app.server.url);
    await carl.locator('input[name="nick"]').fill('carl');
    await carl.locator('form button[type="submit"]').first().click();
    await waitForRoom(carl, 'general');
    await expect(carl.locator('.browse-rooms').textContent()).resolves.toBe('浏览聊天室');
    await previewRoom(carl, 'den');
    await expect(carl.locator('.directory-preview .preview-join').textContent()).resolves.toBe('加入 #den');
    await carl.locator('.directory-preview .preview-join').click();
    await waitForRoom(carl, 'den');
    await olga.ban('den', await idOf(olga, 'den', 'carl'));
    await notice(carl, 'olga 已在 #den 中封禁你');
    await waitForRoom(carl, 'general');
    expect(app.pageErrors).toEqual([]);
  });
});
