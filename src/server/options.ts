/** Server options: one defaults object, overridden by environment variables, then by CLI flags. */
import { LIMITS, STATUS_COALESCE_MS } from '../protocol/index.ts';

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
  /** A replay waiting longer than this for the socket to drain closes it (slow consumer). */
  drainTimeoutMs: number;
  /** Rooms created at start-up when missing. */
  defaultRooms: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Close code reconnect hint window on shutdown, in ms. */
  shutdownSpreadMs: number;
  /** Origins allowed to open a WebSocket (`self`, `*`, exact origins, `scheme://host:*`). */
  allowedOrigins: string[];
  /** PEM certificate and key files: serve https + wss on the same port. */
  tlsCert: string | null;
  tlsKey: string | null;
  /** Number of reverse proxies in front whose X-Forwarded-For is trusted (0: use the socket's address). */
  trustProxy: number;
  /** Every inbound frame, per connection (token bucket). */
  connFramesPerSec: number;
  connFramesBurst: number;
  /** Writes (send, edit, delete, react, create), per connection. */
  connWritesPerSec: number;
  connWritesBurst: number;
  /** Writes per user, across all of the user's connections. */
  userWritesPerSec: number;
  userWritesBurst: number;
  /** `search` frames per connection (each may scan thousands of messages). */
  connSearchesPerSec: number;
  connSearchesBurst: number;
  /** This many rate_limited answers within 10 s close the connection (4004). */
  rateStrikes: number;
  /** New WebSocket connections per client IP (token bucket; 429 past it). */
  ipConnectsPerSec: number;
  ipConnectsBurst: number;
  /** Open WebSocket connections per client IP (503 past it). */
  maxConnectionsPerIp: number;
  /** Open connections per user; hello past it gets too_many_connections + close 4005, no welcome. */
  maxConnectionsPerUser: number;
  /** Rooms one user may have joined at once (too_many_rooms past it). */
  maxRoomsPerUser: number;
  /** Nickname-only guests may connect without an account (a token). */
  guests: boolean;
  /** HS256 secret that signs access tokens; null: one generated once into <dataDir>/token-secret. */
  tokenSecret: string | null;
  /** Lifetime of an access token; a connection is closed (4410) when its token expires. */
  accessTokenTtlMs: number;
  /** Lifetime of a refresh token (rotated on every use). */
  refreshTokenTtlMs: number;
  /** Login and register attempts per client IP (token bucket: per minute, and burst; 429 past it). */
  authIpPerMin: number;
  authIpBurst: number;
  /** Failed logins per username and client IP (token bucket: per minute, and burst; 429 past it). */
  loginFailuresPerMin: number;
  loginFailuresBurst: number;
  /** Login attempts per username from all addresses (per minute, and burst); past it they are slowed. */
  loginUsernamePerMin: number;
  loginUsernameBurst: number;
  /** How long a login past the username's budget is held before its password is checked. */
  loginSlowdownMs: number;
  /** Largest upload in bytes (413 file_too_large past it). */
  maxUploadBytes: number;
  /** Sniffed content types that may be uploaded (415 file_type_not_allowed otherwise). */
  uploadTypes: string[];
  /** Uploads per user (token bucket: per minute, and burst). */
  userUploadsPerMin: number;
  userUploadsBurst: number;
  /** Uploads per client IP (IPv6: per /64), whoever uploads: guests can mint identities. */
  ipUploadsPerMin: number;
  ipUploadsBurst: number;
  /** How long a signed file link stays valid. */
  fileUrlTtlMs: number;
  /** A whole upload, first byte to answer (reading, storing, thumbnail): 408 or 500 past it, nothing kept. */
  uploadTimeoutMs: number;
  /** HTTP: full request headers within this (408 and closed). */
  httpHeadersTimeoutMs: number;
  /** HTTP: a whole request, body included, within this (Node's requestTimeout; 0 = none). */
  httpRequestTimeoutMs: number;
  /** HTTP request bodies: no byte for this long (an auth body: not all of it within this) → 408. */
  httpBodyTimeoutMs: number;
  /** HTTP: an idle keep-alive socket is closed after this. */
  httpKeepAliveTimeoutMs: number;
  /** HTTP: a socket with no traffic either way for this long is destroyed (0 = never). */
  httpIdleTimeoutMs: number;
  /** Open plain-HTTP sockets per client IP (IPv6: per /64); WebSockets are counted apart. */
  maxHttpConnectionsPerIp: number;
  /** A user whose last connection closed shows as offline only after this long (reloads do not flap). */
  presenceGraceMs: number;
  /** Status changes within this window reach each recipient as one `status` frame. */
  statusCoalesceMs: number;
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
  // Half the default queue drains in 30 s at 0.6 Mbit/s: a slow link, not a stalled peer.
  drainTimeoutMs: 30_000,
  defaultRooms: ['general'],
  logLevel: 'info',
  shutdownSpreadMs: 5_000,
  allowedOrigins: ['self', 'http://localhost:*', 'http://127.0.0.1:*'],
  tlsCert: null,
  tlsKey: null,
  trustProxy: 0,
  connFramesPerSec: 50,
  connFramesBurst: 100,
  connWritesPerSec: 10,
  connWritesBurst: 20,
  userWritesPerSec: 20,
  userWritesBurst: 40,
  connSearchesPerSec: 5,
  connSearchesBurst: 20,
  rateStrikes: 50,
  ipConnectsPerSec: 10,
  ipConnectsBurst: 100,
  maxConnectionsPerIp: 256,
  maxConnectionsPerUser: 16,
  maxRoomsPerUser: 200,
  guests: true,
  tokenSecret: null,
  accessTokenTtlMs: 15 * 60_000,
  refreshTokenTtlMs: 30 * 24 * 3_600_000,
  authIpPerMin: 30,
  authIpBurst: 30,
  loginFailuresPerMin: 1,
  loginFailuresBurst: 5,
  loginUsernamePerMin: 10,
  loginUsernameBurst: 30,
  loginSlowdownMs: 3_000,
  maxUploadBytes: 25 * 1024 * 1024,
  uploadTypes: [
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'application/pdf',
    'application/zip',
    'text/plain',
    'audio/mpeg',
    'audio/ogg',
    'video/mp4',
    'video/webm',
  ],
  userUploadsPerMin: 20,
  userUploadsBurst: 10,
  ipUploadsPerMin: 60,
  ipUploadsBurst: 30,
  fileUrlTtlMs: 3_600_000,
  uploadTimeoutMs: 300_000,
  httpHeadersTimeoutMs: 10_000,
  httpRequestTimeoutMs: 300_000,
  httpBodyTimeoutMs: 10_000,
  httpKeepAliveTimeoutMs: 5_000,
  httpIdleTimeoutMs: 60_000,
  maxHttpConnectionsPerIp: 256,
  presenceGraceMs: 10_000,
  statusCoalesceMs: STATUS_COALESCE_MS,
});

interface OptionSpec {
  readonly key: keyof ServerOptions;
  readonly flag: string;
  readonly env: string;
  readonly kind: 'int' | 'string' | 'list' | 'nullable' | 'bool';
  readonly help: string;
  /** Redacted from the start-up log. */
  readonly secret?: true;
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
    key: 'drainTimeoutMs',
    flag: '--drain-timeout-ms',
    env: 'PARLEY_DRAIN_TIMEOUT_MS',
    kind: 'int',
    help: 'time a replay waits for a socket to drain before it is closed as slow',
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
  {
    key: 'allowedOrigins',
    flag: '--allowed-origins',
    env: 'PARLEY_ALLOWED_ORIGINS',
    kind: 'list',
    help: 'origins allowed to open a WebSocket (self, *, exact, scheme://host:*)',
  },
  {
    key: 'tlsCert',
    flag: '--tls-cert',
    env: 'PARLEY_TLS_CERT',
    kind: 'nullable',
    help: 'PEM certificate file: serve https/wss',
  },
  {
    key: 'tlsKey',
    flag: '--tls-key',
    env: 'PARLEY_TLS_KEY',
    kind: 'nullable',
    help: 'PEM private key file for --tls-cert',
  },
  {
    key: 'trustProxy',
    flag: '--trust-proxy',
    env: 'PARLEY_TRUST_PROXY',
    kind: 'int',
    help: 'reverse proxies whose X-Forwarded-For is trusted (0 = none)',
  },
  {
    key: 'connFramesPerSec',
    flag: '--conn-frames-per-sec',
    env: 'PARLEY_CONN_FRAMES_PER_SEC',
    kind: 'int',
    help: 'inbound frames per second per connection',
  },
  {
    key: 'connFramesBurst',
    flag: '--conn-frames-burst',
    env: 'PARLEY_CONN_FRAMES_BURST',
    kind: 'int',
    help: 'burst of inbound frames per connection',
  },
  {
    key: 'connWritesPerSec',
    flag: '--conn-writes-per-sec',
    env: 'PARLEY_CONN_WRITES_PER_SEC',
    kind: 'int',
    help: 'writes per second per connection',
  },
  {
    key: 'connWritesBurst',
    flag: '--conn-writes-burst',
    env: 'PARLEY_CONN_WRITES_BURST',
    kind: 'int',
    help: 'burst of writes per connection',
  },
  {
    key: 'userWritesPerSec',
    flag: '--user-writes-per-sec',
    env: 'PARLEY_USER_WRITES_PER_SEC',
    kind: 'int',
    help: 'writes per second per user',
  },
  {
    key: 'userWritesBurst',
    flag: '--user-writes-burst',
    env: 'PARLEY_USER_WRITES_BURST',
    kind: 'int',
    help: 'burst of writes per user',
  },
  {
    key: 'connSearchesPerSec',
    flag: '--conn-searches-per-sec',
    env: 'PARLEY_CONN_SEARCHES_PER_SEC',
    kind: 'int',
    help: 'searches per second per connection',
  },
  {
    key: 'connSearchesBurst',
    flag: '--conn-searches-burst',
    env: 'PARLEY_CONN_SEARCHES_BURST',
    kind: 'int',
    help: 'burst of searches per connection',
  },
  {
    key: 'rateStrikes',
    flag: '--rate-strikes',
    env: 'PARLEY_RATE_STRIKES',
    kind: 'int',
    help: 'rate_limited answers in 10 s that close the connection',
  },
  {
    key: 'ipConnectsPerSec',
    flag: '--ip-connects-per-sec',
    env: 'PARLEY_IP_CONNECTS_PER_SEC',
    kind: 'int',
    help: 'new WebSocket connections per second per IP',
  },
  {
    key: 'ipConnectsBurst',
    flag: '--ip-connects-burst',
    env: 'PARLEY_IP_CONNECTS_BURST',
    kind: 'int',
    help: 'burst of new WebSocket connections per IP',
  },
  {
    key: 'maxConnectionsPerIp',
    flag: '--max-connections-per-ip',
    env: 'PARLEY_MAX_CONNECTIONS_PER_IP',
    kind: 'int',
    help: 'open WebSocket connections per IP',
  },
  {
    key: 'maxConnectionsPerUser',
    flag: '--max-connections-per-user',
    env: 'PARLEY_MAX_CONNECTIONS_PER_USER',
    kind: 'int',
    help: 'open connections per user',
  },
  {
    key: 'maxRoomsPerUser',
    flag: '--max-rooms-per-user',
    env: 'PARLEY_MAX_ROOMS_PER_USER',
    kind: 'int',
    help: 'rooms one user may have joined at once',
  },
  { key: 'guests', flag: '--guests', env: 'PARLEY_GUESTS', kind: 'bool', help: 'allow nickname-only guests (on/off)' },
  {
    key: 'tokenSecret',
    flag: '--token-secret',
    env: 'PARLEY_TOKEN_SECRET',
    kind: 'nullable',
    secret: true,
    help: 'secret signing access tokens (default: generated into <data-dir>/token-secret)',
  },
  {
    key: 'accessTokenTtlMs',
    flag: '--access-token-ttl-ms',
    env: 'PARLEY_ACCESS_TOKEN_TTL_MS',
    kind: 'int',
    help: 'access token lifetime',
  },
  {
    key: 'refreshTokenTtlMs',
    flag: '--refresh-token-ttl-ms',
    env: 'PARLEY_REFRESH_TOKEN_TTL_MS',
    kind: 'int',
    help: 'refresh token lifetime',
  },
  {
    key: 'authIpPerMin',
    flag: '--auth-ip-per-min',
    env: 'PARLEY_AUTH_IP_PER_MIN',
    kind: 'int',
    help: 'login and register attempts per minute per client IP',
  },
  {
    key: 'authIpBurst',
    flag: '--auth-ip-burst',
    env: 'PARLEY_AUTH_IP_BURST',
    kind: 'int',
    help: 'burst of login and register attempts per client IP',
  },
  {
    key: 'loginFailuresPerMin',
    flag: '--login-failures-per-min',
    env: 'PARLEY_LOGIN_FAILURES_PER_MIN',
    kind: 'int',
    help: 'failed logins per minute per username and client IP, after the burst',
  },
  {
    key: 'loginFailuresBurst',
    flag: '--login-failures-burst',
    env: 'PARLEY_LOGIN_FAILURES_BURST',
    kind: 'int',
    help: 'failed logins per username and client IP before the per-minute rate applies',
  },
  {
    key: 'loginUsernamePerMin',
    flag: '--login-username-per-min',
    env: 'PARLEY_LOGIN_USERNAME_PER_MIN',
    kind: 'int',
    help: 'login attempts per minute per username from all addresses, after the burst, before each is slowed',
  },
  {
    key: 'loginUsernameBurst',
    flag: '--login-username-burst',
    env: 'PARLEY_LOGIN_USERNAME_BURST',
    kind: 'int',
    help: 'login attempts per username from all addresses before the per-minute rate applies',
  },
  {
    key: 'loginSlowdownMs',
    flag: '--login-slowdown-ms',
    env: 'PARLEY_LOGIN_SLOWDOWN_MS',
    kind: 'int',
    help: 'delay before checking a login past the per-username budget (slowed, never refused)',
  },
  {
    key: 'maxUploadBytes',
    flag: '--max-upload-bytes',
    env: 'PARLEY_MAX_UPLOAD_BYTES',
    kind: 'int',
    help: 'largest upload in bytes',
  },
  {
    key: 'uploadTypes',
    flag: '--upload-types',
    env: 'PARLEY_UPLOAD_TYPES',
    kind: 'list',
    help: 'comma-separated content types that may be uploaded (sniffed from the bytes)',
  },
  {
    key: 'userUploadsPerMin',
    flag: '--user-uploads-per-min',
    env: 'PARLEY_USER_UPLOADS_PER_MIN',
    kind: 'int',
    help: 'uploads per minute per user',
  },
  {
    key: 'userUploadsBurst',
    flag: '--user-uploads-burst',
    env: 'PARLEY_USER_UPLOADS_BURST',
    kind: 'int',
    help: 'burst of uploads per user',
  },
  {
    key: 'ipUploadsPerMin',
    flag: '--ip-uploads-per-min',
    env: 'PARLEY_IP_UPLOADS_PER_MIN',
    kind: 'int',
    help: 'uploads per minute per client IP',
  },
  {
    key: 'ipUploadsBurst',
    flag: '--ip-uploads-burst',
    env: 'PARLEY_IP_UPLOADS_BURST',
    kind: 'int',
    help: 'burst of uploads per client IP',
  },
  {
    key: 'fileUrlTtlMs',
    flag: '--file-url-ttl-ms',
    env: 'PARLEY_FILE_URL_TTL_MS',
    kind: 'int',
    help: 'lifetime of a signed file link',
  },
  {
    key: 'uploadTimeoutMs',
    flag: '--upload-timeout-ms',
    env: 'PARLEY_UPLOAD_TIMEOUT_MS',
    kind: 'int',
    help: 'a whole upload, from its first byte to its answer',
  },
  {
    key: 'httpHeadersTimeoutMs',
    flag: '--http-headers-timeout-ms',
    env: 'PARLEY_HTTP_HEADERS_TIMEOUT_MS',
    kind: 'int',
    help: 'time allowed for the headers of an HTTP request',
  },
  {
    key: 'httpRequestTimeoutMs',
    flag: '--http-request-timeout-ms',
    env: 'PARLEY_HTTP_REQUEST_TIMEOUT_MS',
    kind: 'int',
    help: 'time allowed for a whole HTTP request, body included (0 = none)',
  },
  {
    key: 'httpBodyTimeoutMs',
    flag: '--http-body-timeout-ms',
    env: 'PARLEY_HTTP_BODY_TIMEOUT_MS',
    kind: 'int',
    help: 'longest pause in a request body (a login body: all of it)',
  },
  {
    key: 'httpKeepAliveTimeoutMs',
    flag: '--http-keep-alive-timeout-ms',
    env: 'PARLEY_HTTP_KEEP_ALIVE_TIMEOUT_MS',
    kind: 'int',
    help: 'idle time before a keep-alive HTTP socket is closed',
  },
  {
    key: 'httpIdleTimeoutMs',
    flag: '--http-idle-timeout-ms',
    env: 'PARLEY_HTTP_IDLE_TIMEOUT_MS',
    kind: 'int',
    help: 'an HTTP socket with no traffic for this long is cut (0 = never)',
  },
  {
    key: 'maxHttpConnectionsPerIp',
    flag: '--max-http-connections-per-ip',
    env: 'PARLEY_MAX_HTTP_CONNECTIONS_PER_IP',
    kind: 'int',
    help: 'open plain-HTTP sockets per client IP',
  },
  {
    key: 'presenceGraceMs',
    flag: '--presence-grace-ms',
    env: 'PARLEY_PRESENCE_GRACE_MS',
    kind: 'int',
    help: 'time after the last connection closes before a user shows as offline',
  },
  {
    key: 'statusCoalesceMs',
    flag: '--status-coalesce-ms',
    env: 'PARLEY_STATUS_COALESCE_MS',
    kind: 'int',
    help: 'window in which status changes go out as one frame per recipient',
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
    case 'bool':
      if (/^(1|true|on|yes)$/i.test(raw)) return true;
      if (/^(0|false|off|no)$/i.test(raw)) return false;
      throw new TypeError(`${spec.flag}: expected on or off, got "${raw}"`);
  }
}

/** Merge defaults, environment and `--flag value` / `--flag=value` arguments; throws TypeError on bad input. */
export function resolveOptions(
  argv: readonly string[] = [],
  env: Readonly<Record<string, string | undefined>> = {},
  overrides: Partial<ServerOptions> = {},
): ServerOptions {
  const out: Record<string, unknown> = {
    ...DEFAULTS,
    defaultRooms: [...DEFAULTS.defaultRooms],
    allowedOrigins: [...DEFAULTS.allowedOrigins],
    uploadTypes: [...DEFAULTS.uploadTypes],
  };
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
  if (o.tokenSecret !== null && o.tokenSecret.length < 32)
    throw new TypeError('tokenSecret must have 32 characters or more');
  if (o.accessTokenTtlMs < 1000) throw new TypeError('accessTokenTtlMs must be at least 1000');
  if (o.refreshTokenTtlMs < o.accessTokenTtlMs)
    throw new TypeError('refreshTokenTtlMs must be at least accessTokenTtlMs');
  for (const k of [
    'authIpPerMin',
    'authIpBurst',
    'loginFailuresPerMin',
    'loginFailuresBurst',
    'loginUsernamePerMin',
    'loginUsernameBurst',
  ] as const) {
    if (o[k] < 1) throw new TypeError(`${k} must be at least 1`);
  }
  if (o.port > 65535) throw new TypeError(`port must be at most 65535, got ${o.port}`);
  if (!LOG_LEVELS.has(o.logLevel)) throw new TypeError(`log level must be one of ${[...LOG_LEVELS].join(', ')}`);
  if (o.heartbeatMs < 100) throw new TypeError('heartbeatMs must be at least 100');
  if (o.drainTimeoutMs < 100) throw new TypeError('drainTimeoutMs must be at least 100');
  if (o.maxFrameBytes < 1024) throw new TypeError('maxFrameBytes must be at least 1024');
  if (o.maxBodyChars < 1) throw new TypeError('maxBodyChars must be at least 1');
  if (o.maxBodyChars * 4 > o.maxFrameBytes) {
    throw new TypeError('maxFrameBytes must fit a body of maxBodyChars (4 bytes per character)');
  }
  if ((o.tlsCert === null) !== (o.tlsKey === null)) throw new TypeError('--tls-cert and --tls-key go together');
  if (o.allowedOrigins.length === 0) throw new TypeError('allowedOrigins is empty: use "*" to allow any origin');
  for (const k of [
    'connFramesBurst',
    'connWritesBurst',
    'userWritesBurst',
    'ipConnectsBurst',
    'connSearchesBurst',
  ] as const) {
    if (o[k] < 1) throw new TypeError(`${k} must be at least 1`);
  }
  for (const k of ['rateStrikes', 'maxConnectionsPerIp', 'maxConnectionsPerUser', 'maxRoomsPerUser'] as const) {
    if (o[k] < 1) throw new TypeError(`${k} must be at least 1`);
  }
  for (const k of ['maxUploadBytes', 'userUploadsBurst', 'ipUploadsBurst'] as const) {
    if (o[k] < 1) throw new TypeError(`${k} must be at least 1`);
  }
  if (o.fileUrlTtlMs < 10_000) throw new TypeError('fileUrlTtlMs must be at least 10000');
  for (const k of ['uploadTimeoutMs', 'httpHeadersTimeoutMs', 'httpBodyTimeoutMs', 'httpKeepAliveTimeoutMs'] as const) {
    if (o[k] < 100) throw new TypeError(`${k} must be at least 100`);
  }
  if (o.httpRequestTimeoutMs !== 0 && o.httpRequestTimeoutMs < o.httpHeadersTimeoutMs) {
    throw new TypeError('httpRequestTimeoutMs must be 0 or at least httpHeadersTimeoutMs');
  }
  if (o.maxHttpConnectionsPerIp < 1) throw new TypeError('maxHttpConnectionsPerIp must be at least 1');
}

export function helpText(): string {
  const lines = OPTION_SPECS.map((s) => {
    const def = DEFAULTS[s.key];
    const shown = Array.isArray(def) ? def.join(',') : String(def);
    return `  ${(s.flag + ' <v>').padEnd(26)} ${s.help} (env ${s.env}, default ${shown})`;
  });
  return lines.join('\n');
}
