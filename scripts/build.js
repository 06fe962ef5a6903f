#!/usr/bin/env node
/**
 * `npm run build`: src → dist (JS + .d.ts through tsconfig.build.json, non-TS assets such as the
 * SQLite migrations copied beside them) and the web app → dist/web.
 *
 *   node scripts/build.js             clean build of both
 *   node scripts/build.js --if-stale  only the parts older than their sources (what `npm start` runs)
 *   node scripts/build.js --skip-web  the compiled code only
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
/** Written last: dist's code is complete and as new as this file's mtime. */
const STAMP = join(DIST, '.build-stamp');
const WEB_INDEX = join(DIST, 'web/index.html');
/** Held while building, so two builds (tests, `npm start`) never write dist at once. */
const LOCK = join(DIST, '.build.lock');
const LOCK_STALE_MS = 180_000;

const CODE_SOURCES = ['src', 'tsconfig.json', 'tsconfig.build.json'];
/** What the web bundle is built from (as in test/e2e/web-build.ts). */
const WEB_SOURCES = ['web', 'src/client', 'src/protocol'];

const args = new Set(process.argv.slice(2));
const ifStale = args.has('--if-stale');
const skipWeb = args.has('--skip-web');

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows only as its directory's mtime
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

function stale(output, sources) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((s) => newestMtime(join(ROOT, s)) > built);
}

function run(bin, argv) {
  const script = join(ROOT, 'node_modules', bin);
  if (!existsSync(script)) throw new Error(`${bin} is missing: building needs the dev dependencies (npm ci)`);
  execFileSync(process.execPath, [script, ...argv], { cwd: ROOT, stdio: 'inherit' });
}

function copyAssets(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) copyAssets(source, join(to, entry.name));
    else if (!/\.tsx?$/.test(entry.name)) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, join(to, entry.name));
    }
  }
}

function buildCode() {
  // Clean first: a moved or deleted source must not leave its old build behind. dist/web is the web build's.
  for (const entry of readdirSync(DIST)) {
    if (entry !== 'web' && !entry.startsWith('.')) rmSync(join(DIST, entry), { recursive: true, force: true });
  }
  rmSync(STAMP, { force: true });
  run('typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
  copyAssets(join(ROOT, 'src'), DIST);
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

function buildWeb() {
  run('vite/bin/vite.js', ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
}

function tryLock() {
  try {
    mkdirSync(LOCK);
    return true;
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    // A build that crashed leaves its lock behind; no build takes this long.
    if (Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

async function withLock(fn) {
  const deadline = Date.now() + LOCK_STALE_MS + 10_000;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${relative(ROOT, LOCK)}`);
    await sleep(200);
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

mkdirSync(DIST, { recursive: true });
await withLock(() => {
  try {
    build();
  } catch (err) {
    // The tool already printed its errors; no stack trace on top.
    process.stderr.write(`build failed: ${err.message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
});

function build() {
  const started = Date.now();
  const code = !ifStale || stale(STAMP, CODE_SOURCES);
  const web = !skipWeb && (!ifStale || stale(WEB_INDEX, WEB_SOURCES));
  if (!code && !web) return;
  if (code) buildCode();
  if (web) buildWeb();
  const what = [code && 'code', web && 'web app'].filter(Boolean).join(' and ');
  process.stderr.write(`built ${what} into ${relative(process.cwd(), DIST) || '.'}/ in ${Date.now() - started} ms\n`);
}
