/**
 * Room membership in the web app, in Chromium against the real server: alice creates a private
 * room and invites bob by picking his nickname; bob (one account, two tabs) sees it appear live
 * and reads there, then leaves it (confirmed) on one tab and both tabs move to general with the
 * room gone from the sidebar. Alice removes and
 * then bans carol, who loses the room each time; inviting a banned carol shows the server's error.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.ts';
import { SOON, send, waitForBody, waitForRoom, registerAccount, signedInTab } from '../support/web-page.ts';
import { skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const ROOM = 'secret-plans';

function roomLink(page: Page) {
  return page.locator(`.room-link[data-room="${ROOM}"]`);
}

/** Alice's member-panel row of `nick`. */
function row(page: Page, nick: string) {
  return page.locator('.people .person', { has: page.locator('.person-nick', { hasText: nick }) });
}

async function invite(page: Page, nick: string): Promise<void> {
  const form = page.locator('.invite-form');
  if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
  await page.locator('input[name="invite-filter"]').fill(nick);
  await page.getByRole('button', { name: `Invite ${nick} to #${ROOM}` }).click({ timeout: SOON });
}

describe.skipIf(skipBrowserTests('e2e room membership'))('room membership: invite, leave, kick, ban', () => {
  let app: WebApp;
  let server: TestServer;
  let alice: Page;
  let bob: Page;
  let bob2: Page;
  let carol: Page;

  beforeAll(async () => {
    app = await openWebApp();
    server = app.server;
    const pages: Page[] = [];
    for (const nick of ['alice', 'carol']) {
      pages.push(await app.guestPage(nick, { viewport: { width: 1280, height: 760 } }));
    }
    [alice, carol] = pages as [Page, Page];
    await registerAccount(server.url, 'bob');
    const bobs = await app.browser.newContext({ viewport: { width: 1280, height: 760 } });
    bob = await signedInTab(bobs, server.url, 'bob');
    bob2 = await signedInTab(bobs, server.url, 'bob');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('general offers no leave; a new private room is invisible to others', async () => {
    await expect(alice.locator('.room-leave').count()).resolves.toBe(0);
    await alice.locator('.create-room summary').click();
    await alice.locator('input[name="room"]').fill(ROOM);
    await alice.locator('.create-room input[name="private"]').check();
    await alice.getByRole('button', { name: 'Create room' }).click();
    await waitForRoom(alice, ROOM);
    await alice.locator('.room-leave .confirm-ask').waitFor({ timeout: SOON });
    await send(alice, 'before bob came');
    // A private room he is not in is neither in bob's sidebar nor in his directory.
    await bob.locator('.room-link[data-room="general"]').waitFor({ timeout: SOON });
    await expect(roomLink(bob).count()).resolves.toBe(0);
    await bob.locator('.browse-rooms').click();
    await bob.locator('dialog.directory[open] .directory-list').waitFor({ timeout: SOON });
    await expect(bob.locator(`.directory-room[data-room="${ROOM}"]`).count()).resolves.toBe(0);
    await bob.keyboard.press('Escape');
    await bob.locator('dialog.directory[open]').waitFor({ state: 'detached', timeout: SOON });
  });

  it('alice invites bob by nickname; the room appears in his sidebar live and he reads there', async () => {
    await invite(alice, 'bob');
    // Visible beside the remove and ban controls (not squeezed away).
    await row(alice, 'bob').locator('.person-nick').waitFor({ timeout: SOON });
    await roomLink(bob).waitFor({ timeout: SOON });
    await roomLink(bob2).click({ timeout: SOON });
    await waitForRoom(bob2, ROOM);
    // A background tab's frames are throttled, and clicks wait for them.
    await bob.bringToFront();
    await roomLink(bob).click();
    await waitForRoom(bob, ROOM);
    await waitForBody(bob, 'before bob came');
    // A plain member is offered no invite, kick or ban.
    await expect(bob.locator('.invite-form').count()).resolves.toBe(0);
    await expect(bob.locator('.person .kick').count()).resolves.toBe(0);
  });

  it('bob leaves with a confirm step: he is moved to general and the room leaves his sidebar', async () => {
    await bob.locator('.room-leave .confirm-ask').click();
    // Cancelling keeps him in.
    await bob.locator('.room-leave .confirm-no').click();
    await expect(bob.locator('.messages').getAttribute('data-room')).resolves.toBe(ROOM);
    await bob.locator('.room-leave .confirm-ask').click();
    await bob.locator('.room-leave .confirm-yes').click();
    await waitForRoom(bob, 'general');
    await roomLink(bob).waitFor({ state: 'detached', timeout: SOON });
    // His other tab, which had the room open too, follows through his user log.
    await waitForRoom(bob2, 'general');
    await roomLink(bob2).waitFor({ state: 'detached', timeout: SOON });
    await alice.locator('.message.system[data-kind="leave"]').waitFor({ timeout: SOON });
    await row(alice, 'bob').waitFor({ state: 'detached', timeout: SOON });
  });

  it('alice removes carol, then bans her; carol loses the room; a banned carol cannot be invited', async () => {
    await invite(alice, 'carol');
    await roomLink(carol).click({ timeout: SOON });
    await waitForRoom(carol, ROOM);

    await row(alice, 'carol').locator('.kick .confirm-ask').click();
    await row(alice, 'carol').locator('.kick .confirm-yes').click();
    await roomLink(carol).waitFor({ state: 'detached', timeout: SOON });
    await waitForRoom(carol, 'general');
    await row(alice, 'carol').waitFor({ state: 'detached', timeout: SOON });

    await invite(alice, 'carol');
    await roomLink(carol).waitFor({ timeout: SOON });
    await row(alice, 'carol').locator('.ban .confirm-ask').click();
    await row(alice, 'carol').locator('.ban .confirm-yes').click();
    await roomLink(carol).waitFor({ state: 'detached', timeout: SOON });
    await row(alice, 'carol').waitFor({ state: 'detached', timeout: SOON });

    await invite(alice, 'carol');
    const error = alice.locator('.invite-form .field-error');
    await error.waitFor({ timeout: SOON });
    await expect(error.textContent()).resolves.toMatch(/banned/i);
    await expect(roomLink(carol).count()).resolves.toBe(0);
  });
});
