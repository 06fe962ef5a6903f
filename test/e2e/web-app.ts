/**
 * The usual browser-test setup: the built web app served by a real server, a Chromium, and
 * pages each in their own browser context (their own storage: a separate person), every
 * uncaught page error collected.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startServer, type StartOptions, type TestServer } from '../support/server.ts';
import { launchChromium } from './chromium.ts';
import { ensureWebBuilt } from './web-build.ts';

export interface WebApp {
  readonly server: TestServer;
  readonly browser: Browser;
  /** Uncaught errors from every page, "page: message". */
  readonly pageErrors: string[];
  /** A page in a new browser context, 1280×800 unless `options` say otherwise. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

export async function openWebApp(options: StartOptions = {}): Promise<WebApp> {
  await ensureWebBuilt();
  const browser = await launchChromium();
  const server = await startServer({ web: true, ...options });
  const pageErrors: string[] = [];
  return {
    server,
    browser,
    pageErrors,
    async newPage(contextOptions = {}) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
      return page;
    },
    async close() {
      await browser.close();
      await server.dispose();
    },
  };
}
