#!/usr/bin/env node
// Runs the compiled build (`npm run build` → dist/); tests run src/cli.ts through tsx instead.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (existsSync(entry)) {
  await import(entry.href);
} else {
  process.stderr.write('parley: not built (no dist/cli.js); run `npm run build` first\n');
  process.exitCode = 1;
}
