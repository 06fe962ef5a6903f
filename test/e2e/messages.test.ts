/**
 * Edit, delete, reactions, replies and @mentions in Chromium against the real server: Alice and
 * Bob in separate browser contexts see each other's changes live, and after being away.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import type { TestServer } from '../support/server.ts';
import { SOON, loginAsGuest, messageRow, send, waitForRoom } from '../support/web-page.ts';
import { screenshotPath, skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const composer = (page: Page) => page.locator('.composer textarea[name="message"]');

async function seqOf(page: Page, text: string): Promise<number> {
  const m = messageRow(page, text);
  await m.waitFor({ timeout: SOON });
  return Number(await m.getAttribute('data-seq'));
}

const bySeq = (page: Page, seq: number) => page.locator(`.messages article.message[data-seq="${seq}"]`);

/** Shows a message's toolbar (hover) and clicks one of its buttons. */
async function act(row: Locator, button: string): Promise<void> {
  await row.hover();
  await row.locator(`.message-actions ${button}`).click();
}

describe.skipIf(skipBrowserTests('e2e messages'))('edit, delete, reactions, replies and mentions in Chromium', () => {
  let app: WebApp;
  let server: TestServer;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    app = await openWebApp();
    server = app.server;
    alice = await app.guestPage('alice');
    bob = await app.guestPage('bob');
  }, 120_000);

  afterAll(async () => {
    expect(app?.pageErrors).toEqual([]);
    await app?.close();
  }, 30_000);

  it('Alice edits and deletes her messages and Bob sees both live; Bob may do neither to hers', async () => {
    await send(alice, 'helo wrold');
    await send(alice, 'delete me');
    const typo = await seqOf(bob, 'helo wrold');
    const doomed = await seqOf(bob, 'delete me');

    await act(bySeq(alice, typo), '.action-edit');
    const box = bySeq(alice, typo).locator('textarea[name="edit"]');
    await expect(box.inputValue()).resolves.toBe('helo wrold');
    await box.fill('hello world');
    await box.press('Enter');
    await bySeq(bob, typo).locator('.edited').waitFor({ timeout: SOON });
    await expect(bySeq(bob, typo).locator('.body').textContent()).resolves.toBe('hello world');

    // Deleting asks first; cancelling keeps the message.
    await act(bySeq(alice, doomed), '.action-delete');
    await bySeq(alice, doomed).locator('.delete-confirm').getByRole('button', { name: 'Cancel' }).click();
    await expect(bySeq(alice, doomed).locator('.delete-confirm').count()).resolves.toBe(0);
    await act(bySeq(alice, doomed), '.action-delete');
    await bySeq(alice, doomed).locator('.confirm-delete').click();
    await bySeq(bob, doomed).locator('.body.deleted').waitFor({ timeout: SOON });
    await bySeq(alice, doomed).locator('.body.deleted').waitFor({ timeout: SOON });

    // Bob is a plain member: he may reply to and react to Alice's message, not edit or delete it.
    await bySeq(bob, typo).hover();
    await bySeq(bob, typo).locator('.message-actions .action-reply').waitFor({ timeout: SOON });
    expect(await bySeq(bob, typo).locator('.action-edit, .action-delete').count()).toBe(0);
    // A deleted message offers nothing.
    expect(await bySeq(alice, doomed).locator('.message-actions').count()).toBe(0);
  }, 60_000);

  it('ArrowUp in the empty composer edits the last message; Esc cancels and keeps the text', async () => {
    const last = await seqOf(alice, 'hello world');
    await composer(alice).click();
    await composer(alice).press('ArrowUp');
    const box = bySeq(alice, last).locator('textarea[name="edit"]');
    await box.waitFor({ timeout: SOON });
    await expect(box.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await box.pressSequentially(' and more');
    await box.press('Escape');
    await expect(bySeq(alice, last).locator('textarea[name="edit"]').count()).resolves.toBe(0);
    await expect(bySeq(alice, last).locator('.body').textContent()).resolves.toBe('hello world');
    // Focus is back in the composer, and Shift+Enter still makes a new line there.
    await composer(alice).press('Shift+Enter');
    await expect(composer(alice).inputValue()).resolves.toBe('\n');
    await composer(alice).fill('');
  }, 30_000);

  it('Bob reacts; Alice sees the count and who, and Bob’s toggle removes it', async () => {
    const seq = await seqOf(bob, 'hello world');
    await act(bySeq(bob, seq), '.action-react');
    await bySeq(bob, seq).locator('.emoji-pick[data-emoji="👍"]').click();

    const chip = bySeq(alice, seq).locator('.reaction[data-emoji="👍"]');
    await chip.waitFor({ timeout: SOON });
    await expect(chip.getAttribute('data-count')).resolves.toBe('1');
    await expect(chip.getAttribute('title')).resolves.toBe('bob');
    await expect(chip.getAttribute('aria-label')).resolves.toContain('bob');
    await expect(chip.getAttribute('aria-pressed')).resolves.toBe('false');
    const mine = bySeq(bob, seq).locator('.reaction[data-emoji="👍"]');
    await expect(mine.getAttribute('aria-pressed')).resolves.toBe('true');
    expect(await mine.getAttribute('class')).toContain('mine');

    // Alice adds hers by clicking the chip: two, both names.
    await chip.click();
    await bySeq(bob, seq).locator('.reaction[data-emoji="👍"][data-count="2"]').waitFor({ timeout: SOON });
    await expect(mine.getAttribute('title')).resolves.toBe('bob, alice');

    await mine.click();
    await bySeq(alice, seq).locator('.reaction[data-emoji="👍"][data-count="1"][title="alice"]').waitFor({
      timeout: SOON,
    });
    await chip.click();
    await bySeq(bob, seq).locator('.reaction').waitFor({ state: 'detached', timeout: SOON });
  }, 30_000);

  it('Bob replies to Alice’s message; Alice sees the quote and it jumps to the original', async () => {
    const seq = await seqOf(bob, 'hello world');
    await act(bySeq(bob, seq), '.action-reply');
    const bar = bob.locator('.composer .replying-to');
    await expect(bar.textContent()).resolves.toContain('alice');
    // Esc cancels the reply, Reply again brings it back.
    await composer(bob).press('Escape');
    await bar.waitFor({ state: 'detached', timeout: SOON });
    await act(bySeq(bob, seq), '.action-reply');
    await bar.waitFor({ timeout: SOON });
    await send(bob, 'yes, hello to you');
    await bar.waitFor({ state: 'detached', timeout: SOON });

    const reply = messageRow(alice, 'yes, hello to you');
    const quote = reply.locator('.reply-quote');
    await quote.waitFor({ timeout: SOON });
    await expect(quote.getAttribute('data-reply')).resolves.toBe(String(seq));
    await expect(quote.locator('.reply-nick').textContent()).resolves.toBe('alice');
    await expect(quote.locator('.reply-text').textContent()).resolves.toBe('hello world');
    await quote.click();
    await alice.locator(`.messages [data-seq="${seq}"][data-flash]`).waitFor({ timeout: SOON });

    // A reply to a message that is deleted later quotes it as deleted.
    await send(alice, 'short-lived');
    const gone = await seqOf(bob, 'short-lived');
    await act(bySeq(bob, gone), '.action-reply');
    await send(bob, 'what was that?');
    await act(bySeq(alice, gone), '.action-delete');
    await bySeq(alice, gone).locator('.confirm-delete').click();
    await messageRow(bob, 'what was that?').locator('.reply-quote[data-deleted="true"]').waitFor({ timeout: SOON });
    await expect(messageRow(bob, 'what was that?').locator('.reply-quote .reply-text').textContent()).resolves.toBe(
      'deleted message',
    );
  }, 40_000);

  it('@al in Bob’s composer offers alice; the mention is highlighted for Alice, strongly', async () => {
    const box = composer(bob);
    await box.click();
    await box.pressSequentially('ping @al');
    const option = bob.locator('.mention-popup .mention-option[data-nick="alice"]');
    await option.waitFor({ timeout: SOON });
    // Bob is never offered himself.
    expect(await bob.locator('.mention-popup [data-nick="bob"]').count()).toBe(0);
    // Esc closes the list without touching the text; typing opens it again; Tab picks.
    await box.press('Escape');
    await bob.locator('.mention-popup').waitFor({ state: 'detached', timeout: SOON });
    await box.pressSequentially('i');
    await option.waitFor({ timeout: SOON });
    await box.press('Tab');
    await expect(box.inputValue()).resolves.toBe('ping @alice ');
    await box.pressSequentially('<b>look</b>');
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('');

    const text = 'ping @alice <b>look</b>';
    const forAlice = messageRow(alice, text);
    await forAlice.waitFor({ timeout: SOON });
    expect(await forAlice.getAttribute('class')).toContain('mentions-me');
    await expect(forAlice.locator('.mention.mention-me').textContent()).resolves.toBe('@alice');
    expect(await forAlice.locator('.body b').count()).toBe(0);
    const forBob = messageRow(bob, text);
    await expect(forBob.locator('.mention').textContent()).resolves.toBe('@alice');
    expect(await forBob.locator('.mention-me').count()).toBe(0);
    expect(await forBob.getAttribute('class')).not.toContain('mentions-me');

    // For the docs: reactions, a reply, a mention and the toolbar of a hovered message.
    const hello = await seqOf(bob, 'hello world');
    await act(bySeq(bob, hello), '.action-react');
    await bySeq(bob, hello).locator('.emoji-pick[data-emoji="🎉"]').click();
    await bySeq(alice, hello).locator('.reaction[data-emoji="🎉"]').waitFor({ timeout: SOON });
    await forAlice.hover();
    await alice.screenshot({ path: screenshotPath('messages.png') });
  }, 30_000);

  it('Bob, away while Alice edits and deletes, sees both when he comes back', async () => {
    await send(alice, 'first draft');
    await send(alice, 'regrettable');
    const draft = await seqOf(bob, 'first draft');
    const regret = await seqOf(bob, 'regrettable');
    await bob.goto('about:blank');

    await act(bySeq(alice, draft), '.action-edit');
    await bySeq(alice, draft).locator('textarea[name="edit"]').fill('final text');
    await bySeq(alice, draft).locator('textarea[name="edit"]').press('Enter');
    await act(bySeq(alice, regret), '.action-delete');
    await bySeq(alice, regret).locator('.confirm-delete').click();
    await bySeq(alice, regret).locator('.body.deleted').waitFor({ timeout: SOON });
    await bySeq(alice, draft).locator('.edited').waitFor({ timeout: SOON });

    await bob.goto(server.url);
    await waitForRoom(bob);
    await bySeq(bob, draft).locator('.edited').waitFor({ timeout: SOON });
    await expect(bySeq(bob, draft).locator('.body').textContent()).resolves.toBe('final text');
    await bySeq(bob, regret).locator('.body.deleted').waitFor({ timeout: SOON });
    // The reply from before is still quoted after the reload.
    await messageRow(bob, 'yes, hello to you').locator('.reply-quote').waitFor({ timeout: SOON });
  }, 40_000);

  it('on a touch screen a tap on a message shows its actions', async () => {
    const carol = await app.newPage({ viewport: { width: 390, height: 800 }, hasTouch: true, isMobile: true });
    await loginAsGuest(carol, server.url, 'carol');
    const row = messageRow(carol, 'yes, hello to you');
    await row.waitFor({ timeout: SOON });
    const reply = row.locator('.message-actions .action-reply');
    // Hidden (and not tappable) until the message is tapped.
    await expect(reply.evaluate((el) => getComputedStyle(el.parentElement!).opacity)).resolves.toBe('0');
    await row.locator('.body').tap();
    await expect(reply.evaluate((el) => getComputedStyle(el.parentElement!).opacity)).resolves.toBe('1');
    await reply.tap();
    await expect(carol.locator('.composer .replying-to').textContent()).resolves.toContain('bob');
    await carol.context().close();
  }, 40_000);

  it('a room’s owner may delete others’ messages (the role comes from the server); members may not', async () => {
    await alice.locator('.create-room summary').click();
    await alice.locator('.create-room input[name="room"]').fill('mods');
    await alice.locator('.create-room button[type="submit"]').click();
    await waitForRoom(alice, 'mods');
    await bob.evaluate(() => sessionStorage.setItem('parley.room', 'mods'));
    await bob.reload();
    await waitForRoom(bob, 'mods');
    await send(bob, 'spam from bob');
    await send(alice, 'rules from alice');
    const spam = await seqOf(alice, 'spam from bob');
    const rules = await seqOf(bob, 'rules from alice');

    await bySeq(bob, rules).hover();
    await bySeq(bob, rules).locator('.message-actions .action-reply').waitFor({ timeout: SOON });
    expect(await bySeq(bob, rules).locator('.action-delete, .action-edit').count()).toBe(0);

    await act(bySeq(alice, spam), '.action-delete');
    expect(await bySeq(alice, spam).locator('.action-edit').count()).toBe(0);
    await bySeq(alice, spam).locator('.confirm-delete').click();
    await bySeq(bob, spam).locator('.body.deleted').waitFor({ timeout: SOON });
  }, 40_000);

  it('quotes an original that is not loaded (far back): fetched, with its sender', async () => {
    const dave = await RawClient.connect(server.wsUrl, 'dave');
    await dave.request('joined', { type: 'join', id: 'j', room: 'mods' });
    const original = await dave.request('ack', { type: 'send', id: 'o', room: 'mods', kind: 'text', body: 'way back' });
    await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        dave.request('ack', { type: 'send', id: `f${i}`, room: 'mods', kind: 'text', body: `filler ${i}` }),
      ),
    );
    await dave.request('ack', {
      type: 'send',
      id: 'r',
      room: 'mods',
      kind: 'text',
      body: 'replying to way back',
      reply: original.seq,
    });
    dave.close();
    await alice.reload();
    await waitForRoom(alice, 'mods');
    const quote = messageRow(alice, 'replying to way back').locator('.reply-quote');
    await quote.locator('.reply-nick').waitFor({ timeout: SOON });
    await expect(quote.locator('.reply-nick').textContent()).resolves.toBe('dave');
    await expect(quote.locator('.reply-text').textContent()).resolves.toBe('way back');
    // The original itself is not in the list: the quote was fetched.
    expect(await messageRow(alice, 'way back').count()).toBe(0);
  }, 40_000);
});
