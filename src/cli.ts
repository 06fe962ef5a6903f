/**
 * `parley <command>`: picks the command and loads only its module. bin/parley.js runs the build
 * of this file (dist/cli.js); tests run the source through tsx (`node --import tsx src/cli.ts …`).
 */
const USAGE = `Usage: parley <command> [options]

Commands:
  serve   run the chat server (parley serve --help)
  chat    a terminal chat client (parley chat --help)
`;

const command = process.argv[2];
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(USAGE);
} else if (command === 'serve') {
  await import('./server/cli.ts');
} else if (command === 'chat') {
  await import('./tui/cli.ts');
} else {
  process.stderr.write(`parley: unknown command "${command}"\n\n${USAGE}`);
  process.exitCode = 2;
}
