/**
 * The usual browser-test setup: the built web app served by a real server, a Chromium, and
 * pages each in their own browser context (their own storage: a separate person), every
 * uncaught page error collected.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startServer, type StartOptions, type TestServer } from '../support/server.ts';
import { loginAsGuest } from '../support/web-page.ts';
import { launchChromium } from './chromium.ts';
import { ensureWebBuilt } from './web-build.ts';

export interface WebApp {
  readonly server: TestServer;
  readonly browser: Browser;
  /** Uncaught errors from every page, "page: message". */
  readonly pageErrors: string[];
  /** A page in a new browser context, 1280×800 unless `options` say otherwise. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** A page as from newPage, joined to the chat as the guest `nick`. */
  guestPage(nick: string, options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

/** `options` go to startServer; `chromiumArgs` are extra Chromium flags. */
export async function openWebApp(options: StartOptions = {}, chromiumArgs: readonly string[] = []): Promise<WebApp> {
  await ensureWebBuilt();
  const browser = await launchChromium(chromiumArgs);
  const server = await startServer({ web: true, ...options });
  const pageErrors: string[] = [];
  async function newPage(contextOptions: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    return page;
  }
  return {
    server,
    browser,
    pageErrors,
    newPage,
    async guestPage(nick, contextOptions) {
      const page = await newPage(contextOptions);
      await loginAsGuest(page, server.url, nick);
      return page;
    },
    async close() {
      await browser.close();
      await server.dispose();
    },
  };
}
