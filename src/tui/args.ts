/** `parley chat` options: parsing, checking and the help text. Pure: no I/O. */
import { parseArgs } from 'node:util';
import { commandHelp } from './commands.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export type ChatAuth =
  | { readonly kind: 'guest' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'login'; readonly user: string; readonly password: string };

export type ChatMode = 'interactive' | 'script' | 'tail';

export interface ChatArgs {
  readonly url: string;
  /** Nickname sent in hello; an account's name when signed in (the server ignores it then). */
  readonly nick: string;
  readonly room: string;
  readonly auth: ChatAuth;
  readonly tail: boolean;
  readonly interactive: boolean;
  /** Deadline for the first connection and for each ack in script mode. */
  readonly timeoutMs: number;
}

export class UsageError extends Error {}

export const DEFAULT_URL = 'ws://localhost:8080/ws';
const DEFAULT_ROOM = 'general';
const DEFAULT_TIMEOUT_S = 10;

export const CHAT_USAGE = `Usage: parley chat [options]

A terminal chat client. Interactive when stdin is a terminal. Otherwise (script mode) every line
read from stdin is sent to the room, each after the previous one is acknowledged (stored), and
the client exits: echo "deploy done" | parley chat --nick bot --room ops

Options:
  --url <ws-url>        server WebSocket URL (env PARLEY_URL; default ${DEFAULT_URL})
  --nick <name>         your nickname as a guest (env PARLEY_NICK); required without an account
  --room <room>         the room to join (default ${DEFAULT_ROOM})
  --token <jwt>         an account's access token (env PARLEY_TOKEN: safer, flags show in ps)
  --user <username>     sign in to this account, with the password from --password-env
  --password-env <VAR>  the environment variable holding the password
  --tail                print the room's incoming events as JSON lines, one per line, until
                        interrupted (stdin is not read; status goes to stderr)
  --interactive         interactive even when stdin is not a terminal
  --timeout <seconds>   give up connecting, or waiting for an ack in script mode (default ${DEFAULT_TIMEOUT_S})
  -h, --help            show this help

${commandHelp()}

Exit codes: 0 ok, 1 could not connect or refused (by the server or on a send), 2 bad usage.
`;

const OPTIONS = {
  url: { type: 'string' },
  nick: { type: 'string' },
  room: { type: 'string' },
  token: { type: 'string' },
  user: { type: 'string' },
  'password-env': { type: 'string' },
  tail: { type: 'boolean' },
  interactive: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every flag, for the docs check. */
export const CHAT_FLAGS: readonly string[] = Object.keys(OPTIONS).map((name) => `--${name}`);

function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url is not a URL: ${text}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError(`--url must start with ws:// or wss://`);
  return url.href;
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds`);
  return Math.round(seconds * 1000);
}

function parseAuth(
  values: { token?: string; user?: string; 'password-env'?: string },
  env: NodeJS.ProcessEnv,
): ChatAuth {
  const token = values.token ?? env['PARLEY_TOKEN'];
  const { user, 'password-env': passwordEnv } = values;
  if (user !== undefined && values.token !== undefined) throw new UsageError('give --token or --user, not both');
  if (user !== undefined) {
    if (passwordEnv === undefined) throw new UsageError('--user needs --password-env <VAR>');
    const password = env[passwordEnv];
    if (!password) throw new UsageError(`environment variable ${passwordEnv} (from --password-env) is not set`);
    return { kind: 'login', user, password };
  }
  if (passwordEnv !== undefined) throw new UsageError('--password-env goes with --user');
  return token ? { kind: 'token', token } : { kind: 'guest' };
}

/** The options, or 'help' when --help was given. Throws UsageError. */
export function parseChatArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ChatArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const auth = parseAuth(values, env);
  const nick = values.nick ?? env['PARLEY_NICK'] ?? (auth.kind === 'login' ? auth.user : undefined);
  if (!nick && auth.kind === 'guest') throw new UsageError('--nick is required (or sign in with --user)');
  if (values.tail && values.interactive) throw new UsageError('--tail and --interactive exclude each other');
  return {
    url: parseUrl(values.url ?? env['PARLEY_URL'] ?? DEFAULT_URL),
    // With a token the server names the user after the account; the SDK still wants a nickname.
    nick: nick || 'parley',
    room: values.room ?? DEFAULT_ROOM,
    auth,
    tail: values.tail === true,
    interactive: values.interactive === true,
    timeoutMs: parseTimeout(values.timeout),
  };
}

export function chooseMode(args: ChatArgs, stdinIsTTY: boolean): ChatMode {
  if (args.tail) return 'tail';
  return args.interactive || stdinIsTTY ? 'interactive' : 'script';
}
