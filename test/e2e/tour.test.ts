/**
 * A morning in the web app, end to end against the real server, and the README's screenshots:
 * Alice (an account, with a display name) and Bob (a guest) talk in #general with a link, a reply, a reaction, an image and a mention, then in
 * a DM; hostile markup in a nickname, a room's title and topic and a message stays text and runs
 * nothing. The same scene is saved light, dark, in Chinese and at phone width
 * (`npm run screenshots` writes them to docs/screenshots/).
 */
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClient } from '../client/helpers.ts';
import type { TestServer } from '../support/server.ts';
import { SOON, TEST_PASSWORD, loginAsGuest, messageRow, send, waitForBody, waitForRoom } from '../support/web-page.ts';
import { screenshotPath, skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';
import { previewRoom } from './directory-steps.ts';

const XSS_IMG = '<img src=x onerror="window.__pwned=1">';
const XSS_SCRIPT = '<script>window.__pwned=1</script>';
const CHECKLIST = 'https://example.com/release-checklist';

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

/** Hovers a message and clicks one of its toolbar buttons. */
async function act(page: Page, text: string, button: string): Promise<void> {
  const row = messageRow(page, text);
  await row.hover();
  await row.locator(`.message-actions ${button}`).click();
}

async function openSettings(page: Page): Promise<void> {
  const menu = page.locator('.me .settings-menu');
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
}

describe.skipIf(skipBrowserTests('e2e tour'))('a morning in the web app', () => {
  let app: WebApp;
  let server: TestServer;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    app = await openWebApp();
    server = app.server;
    alice = await app.newPage();
    bob = await app.newPage();
  }, 120_000);

  afterAll(async () => {
    expect(app?.pageErrors).toEqual([]);
    await app?.close();
  }, 30_000);

  it('refuses markup as a nickname, showing it nowhere and running nothing', async () => {
    await alice.goto(server.url);
    await alice.locator('input[name="nick"]').fill(XSS_IMG);
    await alice.getByRole('button', { name: 'Join the chat' }).click();
    await alice.locator('.field-error').waitFor({ timeout: SOON });
    expect(await alice.locator('.login-card img, .login-card script').count()).toBe(0);
    expect(await pwned(alice)).toBeUndefined();
    // The server refuses it too, whatever a client checks first.
    const mallory = makeClient(server.wsUrl, XSS_IMG);
    const refused = await new Promise<string>((resolve) => mallory.on('error', (e) => resolve(e.code)));
    expect(refused).toBe('nick_invalid');
    mallory.close();

    // Alice has an account with a display name; Bob is a guest (tagged as one).
    await alice.getByRole('tab', { name: 'Create account' }).click();
    await alice.locator('input[name="username"]').fill('alice');
    await alice.locator('input[name="password"]').fill(TEST_PASSWORD);
    await alice.getByRole('button', { name: 'Create account' }).click();
    await waitForRoom(alice);
    await openSettings(alice);
    await alice.locator('#display-name').fill('Alice Chen');
    await alice.locator('button[name="display-name-save"]').click();
    await alice.locator('.settings-panel .field-ok').waitFor({ timeout: SOON });
    await alice.locator('.me .settings-menu summary').click();
    await loginAsGuest(bob, server.url, 'bob');
  }, 60_000);

  it('talks in #general: a safe link, a reply, a reaction, an image and a mention', async () => {
    await send(bob, 'Morning! Is the release still on for Friday?');
    await send(alice, `Yes. The checklist is at ${CHECKLIST}`);
    await send(alice, 'Also javascript:alert(1) is not a link');

    // Links: http(s) only, opened in a new tab without a handle on this page.
    const link = messageRow(bob, `Yes. The checklist is at ${CHECKLIST}`).locator('a.link');
    await link.waitFor({ timeout: SOON });
    expect(await link.getAttribute('href')).toBe(CHECKLIST);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await waitForBody(bob, 'Also javascript:alert(1) is not a link');
    expect(await messageRow(bob, 'Also javascript:alert(1) is not a link').locator('a').count()).toBe(0);

    await act(bob, `Yes. The checklist is at ${CHECKLIST}`, '.action-reply');
    await send(bob, 'Great, I will take the changelog and the screenshots.');
    const reply = messageRow(alice, 'Great, I will take the changelog and the screenshots.');
    await reply.locator('.reply-quote').waitFor({ timeout: SOON });

    await act(alice, 'Great, I will take the changelog and the screenshots.', '.action-react');
    await reply.locator('.emoji-pick[data-emoji="🎉"]').click();
    await messageRow(bob, 'Great, I will take the changelog and the screenshots.')
      .locator('.reaction[data-emoji="🎉"][data-count="1"]')
      .waitFor({ timeout: SOON });

    const mockup = await sharp({
      create: { width: 960, height: 540, channels: 3, background: '#6d5dfc' },
    })
      .composite([
        {
          input: Buffer.from(
            '<svg width="960" height="540"><rect x="60" y="60" width="840" height="80" rx="16" fill="#fff" opacity=".85"/>' +
              '<rect x="60" y="180" width="400" height="300" rx="16" fill="#fff" opacity=".6"/>' +
              '<rect x="500" y="180" width="400" height="300" rx="16" fill="#fff" opacity=".4"/></svg>',
          ),
        },
      ])
      .png()
      .toBuffer();
    await alice.locator('input[type="file"][name="attachment"]').setInputFiles({
      name: 'release-banner.png',
      mimeType: 'image/png',
      buffer: mockup,
    });
    await bob
      .locator('.messages article.message[data-seq] .attachment.image img')
      .waitFor({ timeout: SOON, state: 'visible' });

    await send(bob, '下午三点在三楼会议室过一遍发布清单。');
    await send(bob, '@alice the banner looks great, ship it');
    await messageRow(alice, '@alice the banner looks great, ship it').locator('.mention-me').waitFor({ timeout: SOON });
    // Bob sees Alice by her display name, her @handle beside it.
    const hers = messageRow(bob, `Yes. The checklist is at ${CHECKLIST}`);
    await expect(hers.locator('.nick').textContent()).resolves.toBe('Alice Chen');
    await expect(hers.locator('.person-handle').textContent()).resolves.toBe('@alice');
    // Bob starts typing the next line: Alice sees it.
    await bob.locator('.composer textarea[name="message"]').pressSequentially('One more thing');
    await alice.locator('.typing-line', { hasText: 'bob is typing' }).waitFor({ timeout: SOON });
    await alice.waitForFunction(
      () => [...document.querySelectorAll<HTMLImageElement>('.attachment.image img')].every((i) => i.complete),
      undefined,
      { timeout: SOON },
    );
    await alice.screenshot({ path: screenshotPath('chat.png') });
  }, 60_000);

  it('keeps markup in a room title, topic and message as text', async () => {
    const mallory = makeClient(server.wsUrl, 'mallory');
    await mallory.createRoom('design', `${XSS_IMG} Design`);
    await mallory.join('design');
    await mallory.setTopic('design', XSS_SCRIPT);
    await mallory.send('design', `${XSS_IMG}${XSS_SCRIPT}`);

    await previewRoom(bob, 'design');
    expect(await bob.locator('.directory-room[data-room="design"]').textContent()).toContain(`${XSS_IMG} Design`);
    // The preview shows the message as text before joining.
    await bob.locator('.directory-preview', { hasText: `${XSS_IMG}${XSS_SCRIPT}` }).waitFor({ timeout: SOON });
    expect(await bob.locator('dialog.directory img, dialog.directory script').count()).toBe(0);
    await bob.locator('.directory-preview .preview-join').click();
    await waitForRoom(bob, 'design');
    await waitForBody(bob, `${XSS_IMG}${XSS_SCRIPT}`);
    await expect(bob.locator('.room-title').textContent()).resolves.toBe(`${XSS_IMG} Design`);
    await expect(bob.locator('.room-topic').textContent()).resolves.toBe(XSS_SCRIPT);
    // Markup would have made elements: there are none outside the app's own file thumbnails.
    expect(await bob.locator('.sidebar img, .room-header img, .room-header script, .messages script').count()).toBe(0);
    expect(await pwned(bob)).toBeUndefined();
    mallory.close();
    await bob.locator('.room-link[data-room="general"]').click();
    await waitForRoom(bob, 'general');
  }, 60_000);

  it('opens a DM from the member list and talks there', async () => {
    await alice.getByRole('button', { name: 'Send bob a direct message' }).click({ timeout: SOON });
    await alice.locator('.room-name', { hasText: 'bob' }).waitFor({ timeout: SOON });
    await send(alice, 'Lunch after the demo?');
    const link = bob.locator('.dm-link', { hasText: 'alice' });
    await link.waitFor({ timeout: SOON });
    await link.click();
    await waitForBody(bob, 'Lunch after the demo?');
    await send(bob, 'Sure, 12:30 downstairs');
    await waitForBody(alice, 'Sure, 12:30 downstairs');
    // A DM is named by its people everywhere, and has no "joined" / "invited" lines.
    await expect(alice.locator('.composer textarea[name="message"]').getAttribute('placeholder')).resolves.toBe(
      'Message @bob',
    );
    await expect(bob.title()).resolves.toBe('@alice · Parley');
    await expect(alice.locator('.room-start').textContent()).resolves.toBe('This is the start of @bob.');
    expect(await alice.locator('.messages .message.system').count()).toBe(0);
    expect(await bob.locator('.messages .message.system').count()).toBe(0);
    await alice.locator('.dm-link', { hasText: 'bob' }).waitFor({ timeout: SOON });
    // Back to the room for the remaining shots.
    await alice.locator('.room-link[data-room="general"]').click();
    await waitForRoom(alice, 'general');
    expect(await pwned(alice)).toBeUndefined();
  }, 60_000);

  it('shows the same room dark, in Chinese and at phone width', async () => {
    await openSettings(alice);
    await alice.locator('.me select[name="theme"]').selectOption('dark');
    await alice.locator('.me .settings-menu summary').click();
    await alice.screenshot({ path: screenshotPath('dark.png') });

    await openSettings(alice);
    await alice.locator('.me select[name="theme"]').selectOption('light');
    await alice.locator('.me select[name="language"]').selectOption('zh');
    // The switch re-renders the screen, which may leave the menu open or closed.
    if ((await alice.locator('.me .settings-menu').getAttribute('open')) !== null) {
      await alice.locator('.me .settings-menu summary').click();
    }
    await expect(alice.locator('.sidebar .section-head h2').first().textContent()).resolves.toBe('聊天室');
    await waitForRoom(alice, 'general');
    await alice.screenshot({ path: screenshotPath('chinese.png') });

    const phone = await app.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await loginAsGuest(phone, server.url, 'chen');
    await waitForBody(phone, '@alice the banner looks great, ship it');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // No row under a stray pointer: the shot shows the list as a reader sees it.
    await phone.mouse.move(195, 830);
    await phone.screenshot({ path: screenshotPath('mobile.png') });
  }, 60_000);
});
