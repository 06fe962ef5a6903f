/**
 * Files in the browser app against the real server: Alice picks an image with the composer's
 * file input, sees the upload go through, and Bob (another browser context) sees the thumbnail,
 * opens the viewer, closes it with Esc; a file with a hostile name shows as a plain-text card.
 */
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOON } from '../support/web-page.ts';
import { screenshotPath, skipBrowserTests } from './chromium.ts';
import { openWebApp, type WebApp } from './web-app.ts';

const XSS_NAME = '<img src=x onerror="window.__pwned=1">.txt';

/** The natural size of a loaded image, or undefined while it has not loaded. */
function loadedSize(page: Page, selector: string): Promise<{ w: number; h: number } | undefined> {
  return page.evaluate((sel) => {
    const img = document.querySelector<HTMLImageElement>(sel);
    return img?.complete && img.naturalWidth > 0 ? { w: img.naturalWidth, h: img.naturalHeight } : undefined;
  }, selector);
}

describe.skipIf(skipBrowserTests('e2e files'))('files in the web app', () => {
  let app: WebApp;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    // A 1 MiB limit: the words for a too-large file must name the server's limit, not a default.
    app = await openWebApp({ args: ['--max-upload-bytes', String(1024 * 1024)] });
    alice = await app.guestPage('alice');
    bob = await app.guestPage('bob');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 30_000);

  it('Alice uploads an image through the page and Bob sees its thumbnail and the full image', async () => {
    const image = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3a7bd5' } })
      .png()
      .toBuffer();
    await alice.locator('input[type="file"][name="attachment"]').setInputFiles({
      name: 'harbour.png',
      mimeType: 'image/png',
      buffer: image,
    });

    // Bob's row shows the thumbnail (a 320 px WebP from the server, not the 1200 px original).
    const thumb = '.messages article.message[data-seq] .attachment.image img';
    const size = await bob.waitForFunction(
      (sel) => {
        const img = document.querySelector<HTMLImageElement>(sel);
        return img?.complete && img.naturalWidth > 0 ? { w: img.naturalWidth, h: img.naturalHeight } : false;
      },
      thumb,
      { timeout: SOON },
    );
    expect(await size.jsonValue()).toEqual({ w: 320, h: 213 });
    expect(await bob.locator(thumb).getAttribute('alt')).toBe('harbour.png');
    expect(await bob.locator(thumb).getAttribute('src')).toMatch(/\/api\/files\/[\w-]+\/thumb\?u=/);
    // Alice's own copy too, and her upload row is gone once the message is sent.
    await alice.locator(thumb).waitFor({ timeout: SOON });
    await alice.locator('.uploads .upload').waitFor({ state: 'detached', timeout: SOON });
    await bob.screenshot({ path: screenshotPath('image-message.png') });

    // Click opens the viewer with the full image; Esc closes it.
    await bob.locator('.attachment.image .thumb').click();
    const viewer = bob.locator('.viewer[role="dialog"]');
    await viewer.waitFor({ timeout: SOON });
    await bob.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('.viewer-image')?.naturalWidth ?? 0) === 1200,
      undefined,
      { timeout: SOON },
    );
    expect(await loadedSize(bob, '.viewer-image')).toEqual({ w: 1200, h: 800 });
    expect(await bob.locator('.viewer-download').getAttribute('download')).toBe('harbour.png');
    // The download link is light on the dark backdrop, readable in either theme.
    await expect(bob.locator('.viewer-download').evaluate((el) => getComputedStyle(el).color)).resolves.toBe(
      'rgb(255, 255, 255)',
    );
    // No "IMAGE" or "FILE" tag next to the name: the attachment says what it is.
    await expect(bob.locator('.messages article.message .message-meta .kind').count()).resolves.toBe(0);
    await bob.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached', timeout: SOON });
  }, 60_000);

  it('shows other files as a card with the name as plain text and a download link', async () => {
    await alice.locator('input[type="file"][name="attachment"]').setInputFiles({
      name: XSS_NAME,
      mimeType: 'text/plain',
      buffer: Buffer.from('just some notes\n'),
    });
    const card = bob.locator('.messages article.message[data-seq] .attachment.file');
    await card.locator('.file-name', { hasText: XSS_NAME }).waitFor({ timeout: SOON });
    expect(await card.locator('.file-name').textContent()).toBe(XSS_NAME);
    expect(await card.locator('.file-size').textContent()).toBe('16 B');
    const href = await card.locator('a.file-download').getAttribute('href');
    expect(href).toMatch(/\/api\/files\/[\w-]+\/content\?u=/);
    const res = await bob.request.get(href!);
    expect(res.headers()['content-disposition']).toMatch(/^attachment; /);
    expect(await bob.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(app.pageErrors).toEqual([]);
    await bob.screenshot({ path: screenshotPath('file-message.png') });
  }, 30_000);

  it('says in words which files can be shared when a type is refused, until dismissed', async () => {
    await alice.locator('input[type="file"][name="attachment"]').setInputFiles({
      name: 'page.html',
      mimeType: 'text/html',
      buffer: Buffer.from('<!doctype html><script>alert(1)</script>'),
    });
    const failed = alice.locator('.uploads .upload[data-status="failed"]');
    await failed.waitFor({ timeout: SOON });
    // The server's list of types (--upload-types), grouped into words people use.
    expect(await failed.locator('.upload-error').textContent()).toMatch(
      /^PDF, images, audio, video, zip,? and text files can be shared\.$/,
    );
    await failed.getByRole('button', { name: 'Dismiss' }).click();
    await failed.waitFor({ state: 'detached', timeout: SOON });
  }, 30_000);

  it('names the server’s size limit for a file that is too large, in English and Chinese', async () => {
    const big = { name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(1024 * 1024 + 1, 1) };
    await alice.locator('input[type="file"][name="attachment"]').setInputFiles(big);
    const failed = alice.locator('.uploads .upload[data-status="failed"]');
    await failed.waitFor({ timeout: SOON });
    expect(await failed.locator('.upload-error').textContent()).toBe('The file is larger than 1 MB.');
    await failed.getByRole('button', { name: 'Dismiss' }).click();

    const lin = await app.newPage({ locale: 'zh-CN' });
    await lin.goto(app.server.url);
    await lin.locator('input[name="nick"]').fill('lin');
    await lin.getByRole('button', { name: '进入聊天' }).click();
    await lin.locator('.messages[data-room="general"][data-loaded="true"]').waitFor({ timeout: SOON });
    await lin.locator('input[type="file"][name="attachment"]').setInputFiles(big);
    const zhFailed = lin.locator('.uploads .upload[data-status="failed"] .upload-error');
    await zhFailed.waitFor({ timeout: SOON });
    expect(await zhFailed.textContent()).toBe('文件超过 1 MB。');
    await lin.locator('input[type="file"][name="attachment"]').setInputFiles({
      name: 'page.html',
      mimeType: 'text/html',
      buffer: Buffer.from('<p>hi</p>'),
    });
    await lin.locator('.uploads .upload-error', { hasText: '可以分享' }).waitFor({ timeout: SOON });
    await expect(lin.locator('.uploads .upload-error', { hasText: '可以分享' }).textContent()).resolves.toBe(
      '可以分享 PDF、图片、音频、视频、zip和文本文件。',
    );
  }, 30_000);
});
