/** Makes sure dist/web holds a build of the current web app before a browser test serves it. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const INDEX = join(ROOT, 'dist/web/index.html');
/** Held while one test process builds, so parallel test files never build over each other. */
const LOCK = join(ROOT, 'dist/.web-build.lock');
const BUILD_TIMEOUT_MS = 120_000;
/** What the bundle is built from. */
const SOURCES = ['web', 'src/client', 'src/protocol'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  if (!existsSync(INDEX)) return false;
  const built = statSync(INDEX).mtimeMs;
  return !SOURCES.some((dir) => existsSync(join(ROOT, dir)) && newestMtime(join(ROOT, dir)) > built);
}

function tryLock(): boolean {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A build that crashed leaves its lock behind; no build takes this long.
    if (Date.now() - statSync(LOCK).mtimeMs > BUILD_TIMEOUT_MS) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/** Builds when dist/web/index.html is missing or older than the sources (`npm test` builds first). */
export async function ensureWebBuilt(): Promise<void> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS + 10_000;
  while (!upToDate()) {
    if (tryLock()) {
      try {
        if (upToDate()) return;
        execFileSync(
          process.execPath,
          [
            join(ROOT, 'node_modules/vite/bin/vite.js'),
            'build',
            '--config',
            'web/vite.config.ts',
            '--logLevel',
            'warn',
          ],
          // vitest sets NODE_ENV=test, which would make vite build a development bundle (Preact's
          // debug hooks included) that `npm start` would then serve as it stands.
          {
            cwd: ROOT,
            env: { ...process.env, NODE_ENV: 'production' },
            stdio: ['ignore', 'inherit', 'inherit'],
            timeout: BUILD_TIMEOUT_MS,
          },
        );
        if (!existsSync(INDEX)) throw new Error(`vite build finished but ${INDEX} is missing`);
        return;
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for another process to build the web app');
    await new Promise((r) => setTimeout(r, 200)); // another test file is building: wait for it
  }
}
