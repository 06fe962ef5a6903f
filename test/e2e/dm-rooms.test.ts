/**
 * Direct messages, room settings and the room directory in Chromium against the real server:
 * two people in separate browser contexts. Alice starts a DM from the member list, Bob finds it
 * under Direct messages by her name once she writes (not before) and they talk; a rename and a topic change reach Bob as
 * system lines and in his header; the directory lists a public room and joining it works.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOON, send, waitForBody, waitForRoom } from '../support/web-page.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

/** The room the page shows now (the message list's data-room). */
async function currentRoom(page: Page): Promise<string> {
  const list = page.locator('.messages[data-status="joined"][data-loaded="true"]');
  await list.waitFor({ timeout: SOON });
  return (await list.getAttribute('data-room')) ?? '';
}

describe.skipIf(skipBrowserTests('e2e dm and rooms'))('direct messages, room settings and directory', () => {
  let app: WebApp;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    app = await openWebApp();
    alice = await app.guestPage('alice', { viewport: { width: 1280, height: 760 } });
    bob = await app.guestPage('bob', { viewport: { width: 1280, height: 760 } });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('alice starts a DM from the member list; bob sees it by her name and they talk', async () => {
    await alice.getByRole('button', { name: 'Send bob a direct message' }).click({ timeout: SOON });
    await alice.locator('.room-name', { hasText: 'bob' }).waitFor({ timeout: SOON });
    const dm = await currentRoom(alice);
    expect(dm).toMatch(/^dm-[0-9a-f]{24}$/);
    // The header and the DM list name the other person, never the room name.
    await expect(alice.locator('.room-name').textContent()).resolves.toBe('@bob');
    await alice.locator(`.dm-link[data-room="${dm}"]`, { hasText: 'bob' }).waitFor({ timeout: SOON });
    // Empty, the DM is not bob's yet: a freshly loaded room list has no such DM.
    await bob.reload();
    await waitForRoom(bob, 'general');
    await bob.locator('.room-link[data-room="general"]').waitFor({ timeout: SOON });
    await expect(bob.locator(`.dm-link[data-room="${dm}"]`).count()).resolves.toBe(0);
    await send(alice, 'hi bob, just us');

    // Bob learns of the DM with its first message, through his user log: it appears live, under
    // alice's name, with the message unread.
    const link = bob.locator(`.dm-link[data-room="${dm}"]`);
    await link.waitFor({ timeout: SOON });
    await expect(link.locator('.room-link-name').textContent()).resolves.toBe('alice');
    await link.locator('.unread', { hasText: '1' }).waitFor({ timeout: SOON });
    await link.click();
    await waitForRoom(bob, dm);
    await expect(bob.locator('.room-name').textContent()).resolves.toBe('@alice');
    await waitForBody(bob, 'hi bob, just us');
    await send(bob, 'hello alice');
    await waitForBody(alice, 'hello alice');

    // The "new message" picker finds alice among bob's rooms and opens the same DM.
    await bob.locator('.room-link[data-room="general"]').click();
    await waitForRoom(bob, 'general');
    await bob.locator('.new-dm summary').click();
    await bob.locator('input[name="dm-filter"]').fill('ali');
    await bob.locator('.dm-pick', { hasText: 'alice' }).locator('input').check({ timeout: SOON });
    await bob.locator('.new-dm').getByRole('button', { name: 'Start' }).click();
    await waitForRoom(bob, dm);
  });

  it('the directory lists a public room with its member count; joining it from its preview works', async () => {
    await alice.locator('.create-room summary').click();
    await alice.locator('input[name="room"]').fill('plans');
    await alice.getByRole('button', { name: 'Create room' }).click();
    await waitForRoom(alice, 'plans');

    await bob.locator('.browse-rooms').click();
    await bob.locator('input[name="directory-filter"]').fill('plan');
    const entry = bob.locator('.directory-room[data-room="plans"]');
    await entry.waitFor({ timeout: SOON });
    await expect(entry.locator('.directory-count').textContent()).resolves.toBe('Members: 1');
    // DMs and other private rooms are never in it.
    await expect(bob.locator('.directory-room[data-room^="dm-"]').count()).resolves.toBe(0);
    await entry.click();
    await bob.getByRole('button', { name: 'Join #plans' }).click({ timeout: SOON });
    await waitForRoom(bob, 'plans');
    await alice.locator('.people .person[data-role="member"] .person-nick', { hasText: 'bob' }).waitFor({
      timeout: SOON,
    });
    // Bob is a plain member: no edit button for him.
    await expect(bob.locator('.room-edit').count()).resolves.toBe(0);
  });

  it('a rename and a topic change show as system lines and in the header for the other user', async () => {
    await alice.getByRole('button', { name: 'Edit the title and topic' }).click();
    await alice.locator('input[name="room-title"]').fill('Q3 <b>plans</b>');
    await alice.locator('input[name="room-topic"]').fill('Ship it');
    await alice.locator('.room-settings').getByRole('button', { name: 'Save' }).click();

    const renamed = bob.locator('.message.system[data-kind="rename"] .body');
    const topic = bob.locator('.message.system[data-kind="topic"] .body');
    await renamed.waitFor({ timeout: SOON });
    await topic.waitFor({ timeout: SOON });
    await expect(renamed.textContent()).resolves.toBe('alice renamed the room to “Q3 <b>plans</b>”');
    await expect(topic.textContent()).resolves.toBe('alice changed the topic to “Ship it”');
    await expect(bob.locator('.room-title').textContent()).resolves.toBe('Q3 <b>plans</b>');
    await expect(bob.locator('.room-topic').textContent()).resolves.toBe('Ship it');
    // Markup in a title stays text.
    await expect(bob.locator('.room-title b').count()).resolves.toBe(0);

    // History has them too: a reload shows the same lines.
    await bob.reload();
    await waitForRoom(bob, 'plans');
    await bob.locator('.message.system[data-kind="topic"]').waitFor({ timeout: SOON });
    await expect(bob.locator('.message.system[data-kind="join"] .body').last().textContent()).resolves.toBe(
      'bob joined',
    );
  });
});
