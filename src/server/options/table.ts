/**
 * Every server option, declared once: parser (type and bounds), default, `--help` text.
 * The flag is `--` plus the name in kebab case and the environment variable `PARLEY_` plus the
 * name in snake case (`trustProxy`: `--trust-proxy`, `PARLEY_TRUST_PROXY`); docs/config.md lists them.
 * Rules that relate two options live in `CROSS_RULES` below.
 */
import { LARGE_ROOM_ONLINE, LIMITS, STATUS_COALESCE_MS } from '../../protocol/index.ts';
import { bool, int, list, oneOf, path, text, type Parser } from './parsers.ts';

export interface OptionDef<T> {
  readonly parser: Parser<T>;
  readonly default: T;
  readonly help: string;
  /** Redacted from the start-up log. */
  readonly secret: boolean;
}

// NoInfer: the parser alone fixes the type, so a default of the wrong type does not compile.
const opt = <T>(parser: Parser<T>, def: NoInfer<T>, help: string, secret = false): OptionDef<T> => ({
  parser,
  default: def,
  help,
  secret,
});

const atLeast1 = int({ min: 1 });
/** What a node id may be: it goes into connection ids and log lines as it is. */
const NODE_ID = /^[\w.-]{1,64}$/;
const timeout = int({ min: 100 });

/**
 * An engine: `word` (the embedded one) or a URL with one of `schemes`. A refused value is not
 * echoed: a URL may hold a password.
 */
function engineUrl(word: string, schemes: readonly string[]): Parser<string> {
  const expected = `${word} or a ${schemes.map((s) => `${s}//…`).join(' or ')} URL`;
  const check = (v: string): string | undefined => {
    if (v === word) return undefined;
    const url = URL.canParse(v) ? new URL(v) : undefined;
    return url && schemes.includes(url.protocol) && url.host !== '' ? undefined : `must be ${expected}`;
  };
  return {
    kind: 'text',
    parse(raw, flag) {
      if (check(raw) !== undefined) throw new TypeError(`${flag}: expected ${expected}`);
      return raw;
    },
    check,
    show: String,
  };
}

export const OPTIONS = {
  /** TCP port; 0 picks a free one. */
  port: opt(int({ max: 65535 }), 8080, 'TCP port (0 = any free port)'),
  host: opt(text(), '0.0.0.0', 'interface to listen on'),
  /** Directory of the SQLite database (created when missing). */
  dataDir: opt(path(), './data', 'directory of the SQLite database'),
  /** The store: `sqlite` (embedded, under --data-dir) or a PostgreSQL URL shared by every node. */
  store: opt(
    engineUrl('sqlite', ['postgres:', 'postgresql:']),
    'sqlite',
    'store: sqlite (under --data-dir) or postgres://… (shared by every node)',
  ),
  /** The broker: `memory` (this process only) or a Redis URL shared by every node. */
  broker: opt(
    engineUrl('memory', ['redis:', 'rediss:']),
    'memory',
    'broker, presence and limits: memory (this node only) or redis://… (shared by every node)',
  ),
  /**
   * SQLite writes (and their fsync) in a worker thread, so a slow fsync never stalls the event
   * loop. It pays only with a second core to run on: on one core the thread hops cost more than
   * they save (docs/performance.md), so `auto` uses it when this process may run on two or more.
   */
  sqliteWorker: opt(
    oneOf(['auto', 'on', 'off']),
    'auto',
    'SQLite writes in a worker thread: on, off (main thread), auto (on with 2+ usable cores)',
  ),
  /** Prefix of every Redis key and channel: several clusters may share one Redis. */
  redisPrefix: opt(text({ minLength: 1 }), 'parley:', 'prefix of the Redis keys and channels of this cluster'),
  /** Where upload bytes live: auto = postgres with a postgres store, else disk under --data-dir. */
  files: opt(
    oneOf(['auto', 'disk', 'postgres']),
    'auto',
    'upload bytes: disk (<data-dir>/files), postgres (the store), auto (postgres with a postgres store)',
  ),
  /** Built web app served at `/`; null disables it. */
  webDir: opt(path({ nullable: true }), 'dist/web', 'built web app to serve at / ("none" disables)'),
  /** Interval of server pings; a peer that misses one is terminated. */
  heartbeatMs: opt(timeout, 25_000, 'server ping interval'),
  /** A connection must say hello within this time. */
  helloTimeoutMs: opt(int(), 10_000, 'time allowed before hello'),
  maxFrameBytes: opt(int({ min: 1024 }), LIMITS.maxFrameBytes, 'largest inbound frame'),
  /** permessage-deflate for clients that offer it: each large frame compressed once for all (gateway/deflate.ts). */
  perMessageDeflate: opt(bool(), true, 'compress large frames (permessage-deflate) for clients that offer it'),
  /** Frames from this many bytes on are sent compressed (once per broadcast) to clients that negotiated it. */
  compressMinBytes: opt(int({ min: 1 }), 1024, 'smallest frame sent compressed, in bytes'),
  maxBodyChars: opt(atLeast1, LIMITS.maxBodyChars, 'longest message body'),
  /** Past this many bytes queued for one socket the socket is closed (slow consumer). */
  maxQueuedBytes: opt(int(), 4 * 1024 * 1024, 'outbound bytes queued per socket before it is closed as slow'),
  /**
   * A replay waiting longer than this for the socket to drain closes it (slow consumer).
   * Half the default queue drains in 30 s at 0.6 Mbit/s: a slow link, not a stalled peer.
   */
  drainTimeoutMs: opt(timeout, 30_000, 'time a replay waits for a socket to drain before it is closed as slow'),
  /**
   * This node's name among the nodes sharing a broker: the prefix of its connection ids and the
   * sender of its signals. Null: a random one at each start. Two live nodes must not share one.
   */
  nodeId: opt(
    text({ nullable: true }),
    null,
    "this node's id in connection ids and signals (default: random at start)",
  ),
  /** Rooms created at start-up when missing. */
  defaultRooms: opt(list(), ['general'], 'comma-separated rooms created at start-up'),
  logLevel: opt(oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info', 'pino log level'),
  /** Close code reconnect hint window on shutdown, in ms. */
  shutdownSpreadMs: opt(int(), 5_000, 'window over which clients are told to come back after a shutdown'),
  /** Origins allowed to open a WebSocket (`self`, `*`, exact origins, `scheme://host:*`). */
  allowedOrigins: opt(
    list({ empty: 'is empty: use "*" to allow any origin' }),
    ['self', 'http://localhost:*', 'http://127.0.0.1:*'],
    'origins allowed to open a WebSocket (self, *, exact, scheme://host:*)',
  ),
  /** PEM certificate and key files: serve https + wss on the same port. */
  tlsCert: opt(path({ nullable: true }), null, 'PEM certificate file: serve https/wss'),
  tlsKey: opt(path({ nullable: true }), null, 'PEM private key file for --tls-cert'),
  /** Number of reverse proxies in front whose X-Forwarded-For is trusted (0: use the socket's address). */
  trustProxy: opt(int(), 0, 'reverse proxies whose X-Forwarded-For is trusted (0 = none)'),
  /** Every inbound frame, per connection (token bucket). */
  connFramesPerSec: opt(int(), 50, 'inbound frames per second per connection'),
  connFramesBurst: opt(atLeast1, 100, 'burst of inbound frames per connection'),
  /** Writes (send, edit, delete, react, create), per connection. */
  connWritesPerSec: opt(int(), 10, 'writes per second per connection'),
  connWritesBurst: opt(atLeast1, 20, 'burst of writes per connection'),
  /** Writes per user, across all of the user's connections. */
  userWritesPerSec: opt(int(), 20, 'writes per second per user'),
  userWritesBurst: opt(atLeast1, 40, 'burst of writes per user'),
  /** `search` frames per connection (each may scan thousands of messages). */
  connSearchesPerSec: opt(int(), 5, 'searches per second per connection'),
  connSearchesBurst: opt(atLeast1, 20, 'burst of searches per connection'),
  /** This many rate_limited answers within 10 s close the connection (4004). */
  rateStrikes: opt(atLeast1, 50, 'rate_limited answers in 10 s that close the connection'),
  /** New WebSocket connections per client IP (token bucket; 429 past it). */
  ipConnectsPerSec: opt(int(), 10, 'new WebSocket connections per second per IP'),
  ipConnectsBurst: opt(atLeast1, 100, 'burst of new WebSocket connections per IP'),
  /** Open WebSocket connections per client IP (503 past it). */
  maxConnectionsPerIp: opt(atLeast1, 256, 'open WebSocket connections per IP'),
  /** Open connections per user; hello past it gets too_many_connections + close 4005, no welcome. */
  maxConnectionsPerUser: opt(atLeast1, 16, 'open connections per user'),
  /** Rooms one user may have joined at once (too_many_rooms past it). */
  maxRoomsPerUser: opt(atLeast1, 200, 'rooms one user may have joined at once'),
  /** Nickname-only guests may connect without an account (a token). */
  guests: opt(bool(), true, 'allow nickname-only guests (on/off)'),
  /** HS256 secret that signs access tokens; null: one generated once into <dataDir>/token-secret. */
  tokenSecret: opt(
    text({ nullable: true, minLength: 32 }),
    null,
    'secret signing access tokens (default: generated into <data-dir>/token-secret)',
    true,
  ),
  /** Lifetime of an access token; a connection is closed (4410) when its token expires. */
  accessTokenTtlMs: opt(int({ min: 1000 }), 15 * 60_000, 'access token lifetime'),
  /** Lifetime of a refresh token (rotated on every use). */
  refreshTokenTtlMs: opt(int(), 30 * 24 * 3_600_000, 'refresh token lifetime'),
  /** Login and register attempts per client IP (token bucket: per minute, and burst; 429 past it). */
  authIpPerMin: opt(atLeast1, 30, 'login and register attempts per minute per client IP'),
  authIpBurst: opt(atLeast1, 30, 'burst of login and register attempts per client IP'),
  /** Failed logins per username and client IP (token bucket: per minute, and burst; 429 past it). */
  loginFailuresPerMin: opt(atLeast1, 1, 'failed logins per minute per username and client IP, after the burst'),
  loginFailuresBurst: opt(atLeast1, 5, 'failed logins per username and client IP before the per-minute rate applies'),
  /** Login attempts per username from all addresses (per minute, and burst); past it they are slowed. */
  loginUsernamePerMin: opt(
    atLeast1,
    10,
    'login attempts per minute per username from all addresses, after the burst, before each is slowed',
  ),
  loginUsernameBurst: opt(
    atLeast1,
    30,
    'login attempts per username from all addresses before the per-minute rate applies',
  ),
  /** How long a login past the username's budget is held before its password is checked. */
  loginSlowdownMs: opt(
    int(),
    3_000,
    'delay before checking a login past the per-username budget (slowed, never refused)',
  ),
  /** Largest upload in bytes (413 file_too_large past it). */
  maxUploadBytes: opt(atLeast1, 25 * 1024 * 1024, 'largest upload in bytes'),
  /** Sniffed content types that may be uploaded (415 file_type_not_allowed otherwise). */
  uploadTypes: opt(
    list(),
    [
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
    'comma-separated content types that may be uploaded (sniffed from the bytes)',
  ),
  /** Uploads per user (token bucket: per minute, and burst). */
  userUploadsPerMin: opt(int(), 20, 'uploads per minute per user'),
  userUploadsBurst: opt(atLeast1, 10, 'burst of uploads per user'),
  /** Uploads per client IP (IPv6: per /64), whoever uploads: guests can mint identities. */
  ipUploadsPerMin: opt(int(), 60, 'uploads per minute per client IP'),
  ipUploadsBurst: opt(atLeast1, 30, 'burst of uploads per client IP'),
  /** How long a signed file link stays valid. */
  fileUrlTtlMs: opt(int({ min: 10_000 }), 3_600_000, 'lifetime of a signed file link'),
  /** A whole upload, first byte to answer (reading, storing, thumbnail): 408 or 500 past it, nothing kept. */
  uploadTimeoutMs: opt(timeout, 300_000, 'a whole upload, from its first byte to its answer'),
  /** HTTP: full request headers within this (408 and closed). */
  httpHeadersTimeoutMs: opt(timeout, 10_000, 'time allowed for the headers of an HTTP request'),
  /** HTTP: a whole request, body included, within this (Node's requestTimeout; 0 = none). */
  httpRequestTimeoutMs: opt(int(), 300_000, 'time allowed for a whole HTTP request, body included (0 = none)'),
  /** HTTP request bodies: no byte for this long (an auth body: not all of it within this) → 408. */
  httpBodyTimeoutMs: opt(timeout, 10_000, 'longest pause in a request body (a login body: all of it)'),
  /** HTTP: an idle keep-alive socket is closed after this. */
  httpKeepAliveTimeoutMs: opt(timeout, 5_000, 'idle time before a keep-alive HTTP socket is closed'),
  /** HTTP: a socket with no traffic either way for this long is destroyed (0 = never). */
  httpIdleTimeoutMs: opt(int(), 60_000, 'an HTTP socket with no traffic for this long is cut (0 = never)'),
  /** Open plain-HTTP sockets per client IP (IPv6: per /64); WebSockets are counted apart. */
  maxHttpConnectionsPerIp: opt(atLeast1, 256, 'open plain-HTTP sockets per client IP'),
  /** A user whose last connection closed shows as offline only after this long (reloads do not flap). */
  presenceGraceMs: opt(int(), 10_000, 'time after the last connection closes before a user shows as offline'),
  /** The signal clock's tick: status changes reach each recipient as one frame per tick (signal-clock.ts). */
  statusCoalesceMs: opt(
    int(),
    STATUS_COALESCE_MS,
    'tick of the clock status (and, when busy, room presence) flushes on',
  ),
  /**
   * A room with more users online than this is large: presence to its members is a count, not
   * names, and joins and leaves there change membership without a log event (docs/protocol.md).
   */
  largeRoomOnline: opt(
    int(),
    LARGE_ROOM_ONLINE,
    'users online above which a room gets presence counts and no join or leave events',
  ),
  /**
   * How often a node compares the heads of the rooms and user logs it has subscribers in with
   * what it delivered, and fills from the store a tail whose publish the broker lost
   * (fanout/healer.ts). 0 turns the periodic check off (gaps are still filled when a later event arrives).
   */
  healIntervalMs: opt(int(), 2_000, 'interval of the check that fills events the broker lost (0 = off)'),
  /**
   * With a Redis broker: a node that stops refreshing its presence for this long counts as dead,
   * and its users go offline and its nicknames free (docs/scaling.md, _Presence across nodes_).
   */
  presenceTtlMs: opt(atLeast1, 15_000, "with Redis: how long before a silent node's users count as offline"),
  /** Serve GET /metrics (Prometheus) without a token: only where the port is reachable from a private network. */
  metrics: opt(bool(), false, 'serve GET /metrics with no token (on/off; for a private network)'),
  /** With a token, GET /metrics is served and needs `Authorization: Bearer <token>` (401 otherwise). */
  metricsToken: opt(
    text({ nullable: true, minLength: 16 }),
    null,
    'bearer token GET /metrics requires (setting one turns /metrics on)',
    true,
  ),
};

/** The option values, typed by the table. */
export type OptionValues = {
  -readonly [K in keyof typeof OPTIONS]: (typeof OPTIONS)[K] extends OptionDef<infer T> ? T : never;
};

/** Rules relating two options: each returns what is wrong, or undefined. */
export const CROSS_RULES: readonly ((o: OptionValues) => string | undefined)[] = [
  (o) => (o.refreshTokenTtlMs < o.accessTokenTtlMs ? 'refreshTokenTtlMs must be at least accessTokenTtlMs' : undefined),
  (o) =>
    o.maxBodyChars * 4 > o.maxFrameBytes
      ? 'maxFrameBytes must fit a body of maxBodyChars (4 bytes per character)'
      : undefined,
  (o) => ((o.tlsCert === null) !== (o.tlsKey === null) ? '--tls-cert and --tls-key go together' : undefined),
  (o) =>
    o.files === 'postgres' && o.store === 'sqlite'
      ? '--files postgres needs a PostgreSQL --store (postgres://…)'
      : undefined,
  // Every node must verify the tokens the others sign: a generated secret would differ per node.
  (o) =>
    (o.store !== 'sqlite' || o.broker !== 'memory') && o.tokenSecret === null
      ? 'a multi-node configuration (--store postgres://… or --broker redis://…) needs --token-secret ' +
        '(or PARLEY_TOKEN_SECRET), the same on every node; none is generated then'
      : undefined,
  (o) =>
    o.nodeId !== null && !NODE_ID.test(o.nodeId)
      ? 'nodeId must be 1 to 64 letters, digits, "_", "." or "-"'
      : undefined,
  (o) =>
    o.httpRequestTimeoutMs !== 0 && o.httpRequestTimeoutMs < o.httpHeadersTimeoutMs
      ? 'httpRequestTimeoutMs must be 0 or at least httpHeadersTimeoutMs'
      : undefined,
];
