/** `parley chat [options]`: the terminal client. Picks the mode, runs it, exits 0 / 1 / 2 (CHAT_USAGE). */
import { CHAT_USAGE, chooseMode, EXIT, parseChatArgs, UsageError, type ChatArgs } from './args.ts';
import { credentials } from './auth.ts';
import { openConnection } from './connect.ts';
import { ChatExit } from './exit.ts';
import { runInteractive } from './interactive.ts';
import { runScript } from './script.ts';
import { runTail } from './tail.ts';

/** Resolves on the first SIGINT or SIGTERM, or when stdout's reader goes away (`| head`). */
function stopRequested(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') resolve();
    });
  });
}

async function run(args: ChatArgs): Promise<number> {
  const mode = chooseMode(args, process.stdin.isTTY === true);
  const conn = openConnection(args, await credentials(args.auth, args.url));
  const errors = process.stderr;
  if (mode === 'tail') return runTail(conn, args, { output: process.stdout, errors, stopped: stopRequested() });
  if (mode === 'script') {
    void stopRequested().then(() => process.exit(EXIT.failed));
    return runScript(conn, args, { input: process.stdin, errors });
  }
  return runInteractive(conn, args, { input: process.stdin, output: process.stdout, errors, env: process.env });
}

async function main(argv: string[]): Promise<number> {
  let args: ChatArgs | 'help';
  try {
    args = parseChatArgs(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`parley chat: ${err.message}\n\n${CHAT_USAGE}`);
    return EXIT.usage;
  }
  if (args === 'help') {
    process.stdout.write(CHAT_USAGE);
    return EXIT.ok;
  }
  try {
    return await run(args);
  } catch (err) {
    if (!(err instanceof ChatExit)) throw err;
    process.stderr.write(`parley chat: ${err.message}\n`);
    return err.code;
  }
}

const code = await main(process.argv.slice(3));
// Let buffered output reach a pipe before leaving; open handles (stdin) must not keep us alive.
process.stdout.write('', () => process.exit(code));
