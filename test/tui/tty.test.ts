/**
 * `parley chat` on a real terminal (a pseudo-terminal from util-linux `script`): incoming lines
 * print above the prompt and the half-typed line is redrawn; colours follow NO_COLOR.
 */
/* eslint-disable no-control-regex -- a terminal's output is escape codes */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClient } from '../client/helpers.ts';
import { PARLEY_CLI } from '../support/parley-cli.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const hasScript = spawnSync('script', ['--version']).status === 0;
/** With PARLEY_REQUIRE_SERVICES=1 (CI) a missing `script` fails the suite instead of skipping it. */
const requireServices = process.env['PARLEY_REQUIRE_SERVICES'] === '1';
const skip = !hasScript && !requireServices;
if (skip) {
  console.warn(
    'skipping the TTY tests: util-linux `script` is not installed (Debian: apt-get install -y bsdutils; ' +
      'set PARLEY_REQUIRE_SERVICES=1 to make this a failure)',
  );
}

let server: TestServer;

beforeAll(async () => {
  if (skip) return;
  if (!hasScript) {
    throw new Error(
      'the TTY tests are required (PARLEY_REQUIRE_SERVICES=1) but util-linux `script` is not installed; ' +
        'install it with "apt-get install -y bsdutils"',
    );
  }
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

/** The CLI on a pseudo-terminal; `output()` is what the terminal received, escape codes and all. */
function onTerminal(nick: string, env: Record<string, string | undefined>) {
  const cmd = `${process.execPath} ${PARLEY_CLI.join(' ')} chat --url ${server.wsUrl} --nick ${nick}`;
  const child = spawn('script', ['-qefc', cmd, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, TERM: 'xterm', COLUMNS: '100', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  return {
    output: () => out,
    type: (keys: string) => child.stdin.write(keys),
    /** Waits until the output, or with `plain` the output without CSI codes, matches. */
    async waitFor(pattern: RegExp, what: string, { plain = false } = {}) {
      const text = () => (plain ? out.replace(/\u001b\[[\d;]*[A-Za-z]/g, '') : out);
      try {
        await waitUntil(() => pattern.test(text()), { what, timeoutMs: 15_000 });
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- terminal ---\n${JSON.stringify(out)}`, { cause: err });
      }
    },
    async quit() {
      child.stdin.end('\u0004'); // Ctrl+D
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
      if (code === 'hung') child.kill('SIGKILL');
      return code;
    },
  };
}

describe.skipIf(skip)('on a terminal', () => {
  it('prints an incoming message above the prompt and redraws the half-typed line; no colours with NO_COLOR', async () => {
    const bob = makeClient(server.wsUrl, 'bob');
    await bob.join('general');
    const term = onTerminal('ada', { NO_COLOR: '1' });
    await term.waitFor(/#general> /, 'the prompt');
    await term.waitFor(/→ ada joined #general/, 'the join');
    term.type('half typ');
    await term.waitFor(/#general> half typ/, 'the echo of the typing', { plain: true });
    await bob.send('general', 'interrupting you');
    await term.waitFor(
      /<bob> interrupting you\r?\n\u001b\[1G\u001b\[0J#general> half typ/,
      'the message, then the redrawn line',
    );
    // Cleared first: the message does not land in the middle of the half-typed line.
    expect(term.output()).toMatch(/half typ\u001b\[2K\u001b\[1G.*<bob> interrupting you/);
    expect(term.output()).not.toMatch(/\u001b\[[\d;]*3\dm/); // no foreground colour codes
    term.type('ed\r');
    await waitUntil(() => bob.seen.room('general').some((e) => e.body === 'half typed'), { what: 'the sent line' });
    expect(await term.quit()).toBe(0);
  });

  it('colours nicknames when NO_COLOR is unset', async () => {
    const bob = makeClient(server.wsUrl, 'bob2');
    await bob.join('general');
    const term = onTerminal('cleo', { NO_COLOR: undefined });
    await term.waitFor(/→ cleo joined #general/, 'the join');
    await bob.send('general', 'in colour');
    await term.waitFor(/<\u001b\[1;\d+mbob2\u001b\[0m> in colour/, 'a coloured nickname');
    expect(await term.quit()).toBe(0);
  });
});
