/** `parley chat` options and typed lines: what is accepted, what is bad usage and why, which mode runs. */
import { describe, expect, it } from 'vitest';
import { chooseMode, parseChatArgs, UsageError, type ChatArgs } from '../../src/tui/args.ts';
import { parseCommand } from '../../src/tui/commands.ts';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseChatArgs(argv, env) as ChatArgs;

describe('options', () => {
  it('reads flags, then the environment, then defaults', () => {
    expect(parse(['--nick', 'ada', '--timeout', '2.5'], { PARLEY_URL: 'wss://chat.example/ws' })).toMatchObject({
      url: 'wss://chat.example/ws',
      nick: 'ada',
      room: 'general',
      auth: { kind: 'guest' },
      timeoutMs: 2500,
    });
    expect(parse(['--nick', 'ada', '--url', 'ws://h:1/ws'], { PARLEY_URL: 'ws://other/ws' }).url).toBe('ws://h:1/ws');
    expect(parse([], { PARLEY_NICK: 'env-nick' }).nick).toBe('env-nick');
  });

  it('takes a token from --token or PARLEY_TOKEN, and a password only from the named variable', () => {
    expect(parse([], { PARLEY_TOKEN: 'jwt' }).auth).toEqual({ kind: 'token', token: 'jwt' });
    expect(parse(['--token', 'flag'], { PARLEY_TOKEN: 'env' }).auth).toEqual({ kind: 'token', token: 'flag' });
    expect(parse(['--user', 'ops', '--password-env', 'PW'], { PW: 'secret pass' })).toMatchObject({
      nick: 'ops',
      auth: { kind: 'login', user: 'ops', password: 'secret pass' },
    });
  });

  it('returns help for --help, whatever else is given', () => {
    expect(parseChatArgs(['-h'], {})).toBe('help');
    expect(parseChatArgs(['--user', 'x', '--help'], {})).toBe('help');
  });

  it.each([
    ['an unknown flag', ['--nick', 'a', '--bogus'], /Unknown option '--bogus'/],
    ['a stray argument', ['--nick', 'a', 'hello'], /positional/],
    ['no nickname and no account', ['--room', 'ops'], /--nick is required/],
    ['a URL that is not ws(s)', ['--nick', 'a', '--url', 'http://x/ws'], /must start with ws:\/\/ or wss:\/\//],
    ['not a URL', ['--nick', 'a', '--url', 'nope'], /not a URL/],
    ['--user without --password-env', ['--user', 'ada'], /--user needs --password-env/],
    ['an unset password variable', ['--user', 'ada', '--password-env', 'UNSET'], /UNSET .* is not set/],
    ['--password-env alone', ['--nick', 'a', '--password-env', 'PW'], /goes with --user/],
    ['--token and --user', ['--token', 't', '--user', 'u', '--password-env', 'PW'], /not both/],
    ['--tail and --interactive', ['--nick', 'a', '--tail', '--interactive'], /exclude each other/],
    ['a bad timeout', ['--nick', 'a', '--timeout', '0'], /--timeout must be a positive number/],
  ])('bad usage: %s', (_what, argv, reason) => {
    expect(() => parseChatArgs(argv, { PW: 'x' })).toThrow(UsageError);
    expect(() => parseChatArgs(argv, { PW: 'x' })).toThrow(reason);
  });

  it('picks the mode: --tail, else interactive on a terminal or with --interactive, else script', () => {
    const base = parse(['--nick', 'a']);
    expect(chooseMode({ ...base, tail: true }, true)).toBe('tail');
    expect(chooseMode(base, true)).toBe('interactive');
    expect(chooseMode({ ...base, interactive: true }, false)).toBe('interactive');
    expect(chooseMode(base, false)).toBe('script');
  });
});

describe('typed lines', () => {
  it('tells commands from text; // sends a leading slash', () => {
    expect(parseCommand('/join  ops ')).toEqual({ name: 'join', arg: 'ops' });
    expect(parseCommand('/HISTORY 5')).toEqual({ name: 'history', arg: '5' });
    expect(parseCommand('//etc/hosts is fine')).toBeUndefined();
    expect(parseCommand('hello /join')).toBeUndefined();
  });
});
