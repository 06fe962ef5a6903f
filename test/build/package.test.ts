/**
 * The published package (issue 11, point 8): `npm pack` of the build, installed into an empty
 * project. `parley/client` imports in plain Node and bundles in a Vite app; `parley serve` runs from
 * dist/ with no tsx installed and no loader.
 */
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../e2e/web-build.ts';
import { withDeadline } from '../support/wait.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const requireServices = process.env['PARLEY_REQUIRE_SERVICES'] === '1';
/**
 * Children run as in production: no tsx or other loader inherited from the test runner, and no
 * npm_* settings from an outer `npm test` (its prefix would point npm at this checkout).
 */
const PLAIN_ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_'))),
  NODE_OPTIONS: '',
};
const INSTALL_TIMEOUT_MS = 40_000;

interface PackedFile {
  path: string;
}

let dir = '';
let app = '';
let packed: PackedFile[] = [];
/** Why the tarball could not be installed (no npm cache and no registry), or null. */
let installProblem: string | null = null;

function run(cmd: string, args: readonly string[], cwd: string, timeout = 30_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: PLAIN_ENV, encoding: 'utf8', timeout });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * A lockfile for the empty project: parley from the tarball, its dependencies pinned to the
 * versions (and integrity) of this checkout's lock, so npm installs them from its cache offline.
 */
function writeConsumer(tarball: string): void {
  const spec = `file:../${tarball}`;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { parley: spec } },
    'node_modules/parley': {
      version: pkg['version'],
      resolved: spec,
      license: pkg['license'],
      dependencies: pkg['dependencies'],
      bin: pkg['bin'],
      engines: pkg['engines'],
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith('node_modules/') && !entry.dev) packages[path] = entry;
  }
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { parley: spec } }),
  );
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, packages }));
}

function install(tarball: string): string | null {
  // Scripts off: better-sqlite3 would compile from source (minutes); its binary is copied below.
  const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts', `../${tarball}`];
  let r = run('npm', ['--offline', ...args], app, INSTALL_TIMEOUT_MS);
  if (r.status !== 0) r = run('npm', ['--prefer-offline', ...args], app, INSTALL_TIMEOUT_MS);
  if (r.status !== 0)
    return `npm install of the tarball failed (no npm cache and no registry?):\n${r.stderr.slice(-2000)}`;
  const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  mkdirSync(join(app, addon, '..'), { recursive: true });
  copyFileSync(join(ROOT, addon), join(app, addon));
  return null;
}

beforeAll(async () => {
  await ensureWebBuilt();
  execFileSync(process.execPath, ['scripts/build.js', '--if-stale', '--skip-web'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 60_000,
  });
  dir = mkdtempSync(join(tmpdir(), 'parley-pack-'));
  app = join(dir, 'app');
  mkdirSync(app);
  const out = ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT), 'npm pack');
  const [info] = JSON.parse(out) as [{ filename: string; files: PackedFile[] }];
  packed = info.files;
  writeConsumer(info.filename);
  installProblem = install(info.filename);
  if (installProblem && requireServices) throw new Error(`required (PARLEY_REQUIRE_SERVICES=1): ${installProblem}`);
  if (installProblem) console.warn(`[package] install tests skipped: ${installProblem}`);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the build (JS, .d.ts, migrations, web app), not the sources', () => {
    const paths = new Set(packed.map((f) => f.path));
    for (const path of [
      'bin/parley.js',
      'dist/cli.js',
      'dist/client/index.js',
      'dist/client/index.d.ts',
      'dist/protocol/index.d.ts',
      'dist/server/index.d.ts',
      'dist/server/store/sqlite/migrations/001_init.sql',
      'dist/web/index.html',
    ]) {
      expect(paths, path).toContain(path);
    }
    expect([...paths].filter((p) => p.startsWith('src/') || p.endsWith('.ts') !== p.endsWith('.d.ts'))).toEqual([]);
    // Every relative import in the build names a file that ships (.ts paths rewritten to .js).
    for (const path of paths) {
      if (!path.endsWith('.js') && !path.endsWith('.d.ts')) continue;
      const text = readFileSync(join(ROOT, path), 'utf8');
      for (const [, , spec] of text.matchAll(/(?:from|import)\s*\(?\s*(['"])(\.{1,2}\/[^'"]+)\1/g)) {
        const target = join(dirname(path), spec!).replace(/\.ts$/, '.d.ts');
        expect(paths, `${path} imports ${spec}`).toContain(target);
      }
    }
    const migrations = readdirSync(join(ROOT, 'src/server/store/sqlite/migrations'));
    for (const sql of migrations) expect(paths).toContain(`dist/server/store/sqlite/migrations/${sql}`);
  });

  it('needs no TypeScript loader at run time', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: object };
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(Object.keys(pkg.dependencies)).not.toContain('esbuild');
  });
});

describe('the installed package', () => {
  const skipped = (): boolean => {
    if (installProblem) console.warn(`[package] skipped: ${installProblem}`);
    return installProblem !== null;
  };

  it('has no tsx or esbuild installed', ({ skip }) => {
    if (skipped()) return skip();
    expect(existsSync(join(app, 'node_modules/parley/dist/cli.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/esbuild'))).toBe(false);
  });

  it('parley/client and parley/protocol import in plain Node', ({ skip }) => {
    if (skipped()) return skip();
    const script = `
      const client = await import('parley/client');
      const protocol = await import('parley/protocol');
      console.log(JSON.stringify({ createClient: typeof client.createClient, protocol: Object.keys(protocol).length }));`;
    const out = ok(run(process.execPath, ['--input-type=module', '-e', script], app), 'node import');
    expect(JSON.parse(out)).toEqual({ createClient: 'function', protocol: expect.any(Number) });
    expect(JSON.parse(out).protocol).toBeGreaterThan(0);
  });

  it('parley/client type-checks from its .d.ts', { timeout: 40_000 }, ({ skip }) => {
    if (skipped()) return skip();
    // skipLibCheck keeps it quick; the expect-error proves the types are real, not `any`.
    writeFileSync(
      join(app, 'use.ts'),
      [
        `import { createClient } from 'parley/client';`,
        `const client = createClient({ url: 'ws://localhost:8080/ws', nick: 'ada' });`,
        `export const send = (room: string, body: string): Promise<unknown> => client.send(room, body);`,
        `// @ts-expect-error a number is not ClientOptions`,
        `createClient(42);`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2023', 'DOM'] },
        files: ['use.ts'],
      }),
    );
    ok(run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app), 'tsc');
  });

  it('parley/client bundles in a Vite app, and the bundle runs', ({ skip }) => {
    if (skipped()) return skip();
    writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="/main.js"></script>\n');
    writeFileSync(
      join(app, 'main.js'),
      `import { createClient } from 'parley/client';\nglobalThis.parleyClient = typeof createClient;\n`,
    );
    // No modulepreload polyfill: it touches `document`, and the bundle is run in Node below.
    writeFileSync(join(app, 'vite.config.js'), 'export default { build: { modulePreload: { polyfill: false } } };\n');
    const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
    const r = ok(run(process.execPath, [vite, 'build', '--logLevel', 'warn'], app), 'vite build');
    expect(r).not.toMatch(/externalized for browser/);
    const assets = join(app, 'dist/assets');
    const bundle = readdirSync(assets).find((f) => f.endsWith('.js'));
    expect(bundle).toBeDefined();
    const check = `await import(${JSON.stringify(join(assets, bundle!))}); console.log(globalThis.parleyClient);`;
    expect(ok(run(process.execPath, ['--input-type=module', '-e', check], app), 'the bundle').trim()).toBe('function');
  });

  it('parley serve runs from dist without tsx: --help, /healthz and the web app', async ({ skip }) => {
    if (skipped()) return skip();
    const bin = join(app, 'node_modules/parley/bin/parley.js');
    expect(ok(run(process.execPath, [bin, 'serve', '--help'], app), 'serve --help')).toMatch(/^Usage: parley serve/);

    const dataDir = join(dir, 'data');
    // Run from elsewhere with the default --web-dir: the web app shipped in the package is served.
    const args = [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn'];
    const child = spawn(process.execPath, args, { cwd: dir, env: PLAIN_ENV });
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const port = await withDeadline(
        new Promise<number>((resolve, reject) => {
          child.stdout.on('data', (d: Buffer) => {
            output += d.toString();
            const m = /running on http:\/\/localhost:(\d+)/.exec(output);
            if (m) resolve(Number(m[1]));
          });
          child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
        }),
        15_000,
        'the packed server to listen',
      );
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<!doctype html>/i);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await withDeadline(exited, 15_000, 'the packed server to exit');
      }
    }
  });
});
