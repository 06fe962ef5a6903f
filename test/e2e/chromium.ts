/**
 * The system Chromium for browser tests. Never downloads a browser: when /usr/bin/chromium
 * (or $PARLEY_CHROMIUM) is missing the browser tests are skipped with a printed reason, or
 * fail when PARLEY_REQUIRE_SERVICES=1 says every service must be present.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['PARLEY_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const hasChromium = existsSync(CHROMIUM_PATH);
export const requireServices = process.env['PARLEY_REQUIRE_SERVICES'] === '1';

/**
 * True when browser tests should be skipped (Chromium missing and not required); prints why.
 * When Chromium is required but missing this returns false, so the tests run and fail loudly
 * in launchChromium().
 */
export function skipBrowserTests(suite: string): boolean {
  if (hasChromium || requireServices) return false;
  console.warn(
    `[${suite}] skipped: no Chromium at ${CHROMIUM_PATH} (install it with "apt-get install -y chromium" ` +
      'or set PARLEY_CHROMIUM; set PARLEY_REQUIRE_SERVICES=1 to make this a failure).',
  );
  return true;
}

/** `extraArgs` go after CHROMIUM_ARGS. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!hasChromium) {
    throw new Error(
      `Chromium is required (PARLEY_REQUIRE_SERVICES=1) but ${CHROMIUM_PATH} does not exist; ` +
        'install it with "apt-get install -y chromium" or set PARLEY_CHROMIUM.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * Where a test saves a screenshot: docs/screenshots/ when PARLEY_SCREENSHOTS=1
 * (`npm run screenshots`), else a temp folder, so a test run leaves the work tree clean.
 */
export function screenshotPath(name: string): string {
  const dir =
    process.env['PARLEY_SCREENSHOTS'] === '1'
      ? new URL('../../docs/screenshots/', import.meta.url).pathname
      : join(tmpdir(), 'parley-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
