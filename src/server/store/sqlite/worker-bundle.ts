/**
 * Running from the .ts sources (tests, `node --import tsx src/cli.ts`), a worker cannot load
 * TypeScript: Node 20 does not pass the loader to workers, and registering tsx in each one costs
 * about a second. So the worker's module graph is bundled once per process with esbuild (tsx's
 * own) into plain ESM under node_modules/.cache/parley/, where its packages resolve. The build in
 * dist/ needs none of this: it runs store-worker.js.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface EsbuildSync {
  buildSync(options: Record<string, unknown>): { outputFiles: { text: string }[] };
}

let bundled: string | undefined;

/** The path of the bundled worker (built on the first call of this process). */
export function bundledWorker(entry: URL): string {
  if (bundled) return bundled;
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild') as EsbuildSync;
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    write: false,
  });
  const code = outputFiles[0]!.text;
  const dir = fileURLToPath(new URL('../../../../node_modules/.cache/parley/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `store-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    // Written aside, then renamed: another process may be writing the same file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  bundled = file;
  return file;
}
