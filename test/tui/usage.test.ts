/** `parley chat` usage: help on request (exit 0), bad usage exits 2 with the help; `parley --help` lists both commands. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PARLEY_CLI } from '../support/parley-cli.ts';
import { runCli } from './cli-process.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('usage', () => {
  it('parley --help lists serve and chat', () => {
    const r = spawnSync(process.execPath, [...PARLEY_CLI, '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\s+serve\s/m);
    expect(r.stdout).toMatch(/^\s+chat\s/m);
  });

  it('chat --help prints the options and the commands, exit 0', async () => {
    const cli = runCli(['--help']);
    expect(await cli.exited()).toBe(0);
    expect(cli.stdout()).toMatch(/^Usage: parley chat/);
    expect(cli.stdout()).toContain('--tail');
    expect(cli.stdout()).toContain('/history [n]');
  });

  // Each reason is checked in args.test.ts; here the process: exit code, stderr, nothing on stdout.
  it.each([
    ['an unknown flag', ['--nick', 'a', '--bogus'], /Unknown option '--bogus'/],
    ['no nickname and no account', ['--room', 'ops'], /--nick is required/],
  ])('%s: exit 2, the reason and the help on stderr', async (_what, args, reason) => {
    const cli = runCli(args);
    cli.end();
    expect(await cli.exited()).toBe(2);
    expect(cli.stderr()).toMatch(reason);
    expect(cli.stderr()).toContain('Usage: parley chat');
    expect(cli.stdout()).toBe('');
  });
});
