#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (Node 20 has no type stripping).
import process from 'node:process';
import { register } from 'tsx/esm/api';

const USAGE = `Usage: parley <command> [options]

Commands:
  serve   run the chat server (parley serve --help)
  chat    a terminal chat client (parley chat --help)
`;

const command = process.argv[2];
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(USAGE);
} else if (command === 'serve') {
  register();
  await import('../src/server/cli.ts');
} else if (command === 'chat') {
  register();
  await import('../src/tui/cli.ts');
} else {
  process.stderr.write(`parley: unknown command "${command}"\n\n${USAGE}`);
  process.exitCode = 2;
}
