/** Server options: one defaults object, overridden by environment variables, then by CLI flags. */
import { LIMITS } from '../protocol/index.ts';

export interface ServerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  host: string;
  /** Directory of the SQLite database (created when missing). */
  dataDir: string;
  /** Built web app served at `/`; null disables it. */
  webDir: string | null;
  /** Interval of server pings; a peer that misses one is terminated. */
  heartbeatMs: number;
  /** A connection must say hello within this time. */
  helloTimeoutMs: number;
  maxFrameBytes: number;
  maxBodyChars: number;
  /** Past this many bytes queued for one socket the socket is closed (slow consumer). */
  maxQueuedBytes: number;
  /** Rooms created at start-up when missing. */
  defaultRooms: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Close code reconnect hint window on shutdown, in ms. */
  shutdownSpreadMs: number;
}

export const DEFAULTS: Readonly<ServerOptions> = Object.freeze({
  port: 8080,
  host: '0.0.0.0',
  dataDir: './data',
  webDir: 'dist/web',
  heartbeatMs: 25_000,
  helloTimeoutMs: 10_000,
  maxFrameBytes: LIMITS.maxFrameBytes,
  maxBodyChars: LIMITS.maxBodyChars,
  maxQueuedBytes: 4 * 1024 * 1024,
  defaultRooms: ['general'],
  logLevel: 'info',
  shutdownSpreadMs: 5_000,
});

interface OptionSpec {
  readonly key: keyof ServerOptions;
  readonly flag: string;
  readonly env: string;
  readonly kind: 'int' | 'string' | 'list' | 'nullable';
  readonly help: string;
}

export const OPTION_SPECS: readonly OptionSpec[] = [
  { key: 'port', flag: '--port', env: 'PARLEY_PORT', kind: 'int', help: 'TCP port (0 = any free port)' },
  { key: 'host', flag: '--host', env: 'PARLEY_HOST', kind: 'string', help: 'interface to listen on' },
  {
    key: 'dataDir',
    flag: '--data-dir',
    env: 'PARLEY_DATA_DIR',
    kind: 'string',
    help: 'directory of the SQLite database',
  },
  {
    key: 'webDir',
    flag: '--web-dir',
    env: 'PARLEY_WEB_DIR',
    kind: 'nullable',
    help: 'built web app to serve at / ("none" disables)',
  },
  { key: 'heartbeatMs', flag: '--heartbeat-ms', env: 'PARLEY_HEARTBEAT_MS', kind: 'int', help: 'server ping interval' },
  {
    key: 'helloTimeoutMs',
    flag: '--hello-timeout-ms',
    env: 'PARLEY_HELLO_TIMEOUT_MS',
    kind: 'int',
    help: 'time allowed before hello',
  },
  {
    key: 'maxFrameBytes',
    flag: '--max-frame-bytes',
    env: 'PARLEY_MAX_FRAME_BYTES',
    kind: 'int',
    help: 'largest inbound frame',
  },
  {
    key: 'maxBodyChars',
    flag: '--max-body-chars',
    env: 'PARLEY_MAX_BODY_CHARS',
    kind: 'int',
    help: 'longest message body',
  },
  {
    key: 'maxQueuedBytes',
    flag: '--max-queued-bytes',
    env: 'PARLEY_MAX_QUEUED_BYTES',
    kind: 'int',
    help: 'outbound bytes queued per socket before it is closed as slow',
  },
  {
    key: 'defaultRooms',
    flag: '--default-rooms',
    env: 'PARLEY_DEFAULT_ROOMS',
    kind: 'list',
    help: 'comma-separated rooms created at start-up',
  },
  { key: 'logLevel', flag: '--log-level', env: 'PARLEY_LOG_LEVEL', kind: 'string', help: 'pino log level' },
  {
    key: 'shutdownSpreadMs',
    flag: '--shutdown-spread-ms',
    env: 'PARLEY_SHUTDOWN_SPREAD_MS',
    kind: 'int',
    help: 'window over which clients are told to come back after a shutdown',
  },
];

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function convert(spec: OptionSpec, raw: string): ServerOptions[keyof ServerOptions] {
  switch (spec.kind) {
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0)
        throw new TypeError(`${spec.flag}: expected a non-negative integer, got "${raw}"`);
      return n;
    }
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'nullable':
      return raw === 'none' || raw === '' ? null : raw;
    case 'string':
      return raw;
  }
}

/** Merge defaults, environment and `--flag value` / `--flag=value` arguments; throws TypeError on bad input. */
export function resolveOptions(
  argv: readonly string[] = [],
  env: Readonly<Record<string, string | undefined>> = {},
  overrides: Partial<ServerOptions> = {},
): ServerOptions {
  const out: Record<string, unknown> = { ...DEFAULTS, defaultRooms: [...DEFAULTS.defaultRooms] };
  for (const spec of OPTION_SPECS) {
    const raw = env[spec.env];
    if (raw !== undefined) out[spec.key] = convert(spec, raw);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const spec = OPTION_SPECS.find((s) => s.flag === flag);
    if (!spec) throw new TypeError(`unknown option ${arg} (see --help)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new TypeError(`${flag} needs a value`);
    out[spec.key] = convert(spec, value);
  }
  const options = { ...out, ...overrides } as ServerOptions;
  validate(options);
  return options;
}

function validate(o: ServerOptions): void {
  if (o.port > 65535) throw new TypeError(`port must be at most 65535, got ${o.port}`);
  if (!LOG_LEVELS.has(o.logLevel)) throw new TypeError(`log level must be one of ${[...LOG_LEVELS].join(', ')}`);
  if (o.heartbeatMs < 100) throw new TypeError('heartbeatMs must be at least 100');
  if (o.maxFrameBytes < 1024) throw new TypeError('maxFrameBytes must be at least 1024');
  if (o.maxBodyChars < 1) throw new TypeError('maxBodyChars must be at least 1');
  if (o.maxBodyChars * 4 > o.maxFrameBytes) {
    throw new TypeError('maxFrameBytes must fit a body of maxBodyChars (4 bytes per character)');
  }
}

export function helpText(): string {
  const lines = OPTION_SPECS.map((s) => {
    const def = DEFAULTS[s.key];
    const shown = Array.isArray(def) ? def.join(',') : String(def);
    return `  ${(s.flag + ' <v>').padEnd(26)} ${s.help} (env ${s.env}, default ${shown})`;
  });
  return lines.join('\n');
}
