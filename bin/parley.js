#!/usr/bin/env node
// Runs the compiled build (`npm run build` → dist/); tests run src/cli.ts through tsx instead.
import '../dist/cli.js';
