/** createParleyServer: wires store, broker, presence, hub, HTTP and WebSocket on one port. */
import { readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { CLOSE } from '../protocol/index.ts';
import { Accounts } from './auth/accounts.ts';
import { selectProtocol } from './auth/handshake.ts';
import { LoginSessions } from './auth/login-sessions.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { AccessTokens, loadOrCreateSecret } from './auth/tokens.ts';
import type { Connection } from './gateway/connection.ts';
import { createNodeContext } from './core/node-context.ts';
import { resolveEngines, type Engines } from './engines.ts';
import { newNodeId } from './fanout/hub.ts';
import { Files } from './files/files.ts';
import { FileLinks } from './files/links.ts';
import { startHeartbeat } from './gateway/heartbeat.ts';
import { createHttpHandler } from './http/routes.ts';
import { limitHttp } from './http/limits.ts';
import { createLogger, type Logger } from './log.ts';
import { resolveOptions, type ServerOptions } from './options.ts';
import { NodeMetrics } from './metrics/node-metrics.ts';
import { metricsExposed } from './metrics/route.ts';
import type { Store } from './store/store.ts';
import { guardRequest, guardUpgrade } from './guard.ts';
import { createUpgradeHandler } from './gateway/upgrade.ts';
import { deflateNegotiation } from './gateway/deflate.ts';
import { UpgradeGuard } from './gateway/upgrade-guard.ts';

/** Pending connections the kernel may queue for accept (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 8192;

/** How long shutdown waits for in-flight sends, then for sockets to close. */
const SHUTDOWN_DRAIN_MS = 3_000;

export { DEFAULTS, helpText, OPTION_SPECS, resolveOptions, type ServerOptions } from './options.ts';

export interface ParleyServer {
  readonly options: ServerOptions;
  readonly log: Logger;
  readonly store: Store;
  readonly http: HttpServer;
  /** Resolves with the bound port once listening. */
  listen(): Promise<number>;
  /** Graceful stop: refuse new sockets, close open ones with 1001 and a reconnect hint, flush the store. */
  close(): Promise<void>;
}

/** What a node is made of: options over the defaults, and any engine to use instead of the embedded one. */
export interface ParleyServerInit extends Partial<Engines> {
  /** Options over the defaults (no environment or flags are read here: see resolveOptions). */
  readonly options?: Partial<ServerOptions>;
  /** Where the node logs; by default a pino logger on stdout at options.logLevel (tests capture lines). */
  readonly logger?: Logger;
}

export function createParleyServer(init: ParleyServerInit = {}): ParleyServer {
  const resolved = resolveOptions([], {}, init.options ?? {});
  // One id for this node, made before anything logs: in every log line, the hub and the engines.
  const nodeId = resolved.nodeId ?? newNodeId();
  const options: ServerOptions = { ...resolved, nodeId };
  const log = init.logger?.child({ node: nodeId }) ?? createLogger(options.logLevel, nodeId);
  const { engines, owned } = resolveEngines(options, init, nodeId, log);
  const { store } = engines;
  const connections = new Set<Connection>();
  // One registry per node (several nodes may share a process); Node's process metrics only when served.
  const metrics = new NodeMetrics({ node: nodeId, exposed: metricsExposed(options) }, connections);
  const node = createNodeContext(options, log, engines, connections, metrics);
  const { ctx } = node;

  // Without a configured secret, one is generated and kept under the data directory.
  const secret = options.tokenSecret ?? loadOrCreateSecret(options.dataDir);
  // Logout ends a login session: its tokens stop verifying (also for HTTP) and its sockets close.
  const sessions = new LoginSessions(store, ctx.hub, log);
  const tokens = new AccessTokens(secret, options.accessTokenTtlMs, (sid) => sessions.live(sid));
  const accounts = new Accounts(store, tokens, options.refreshTokenTtlMs, (ids) => sessions.ended(ids));
  const throttle = new LoginThrottle(options, engines.limits);
  // Uploads: bytes under <data-dir>/files, links signed with a key derived from the token secret.
  const storage = engines.files;
  const links = new FileLinks(secret, options.fileUrlTtlMs);
  const files = new Files({ store, storage, links, tokens, options, log, limiters: engines.limits });
  const handler = createHttpHandler(
    ctx,
    {
      accounts,
      guests: options.guests,
      log,
      throttle,
      trustProxy: options.trustProxy,
      bodyTimeoutMs: options.httpBodyTimeoutMs,
    },
    files,
  );
  // With a certificate and key the same port speaks https and wss (node:https is an http.Server).
  const http: HttpServer =
    options.tlsCert !== null && options.tlsKey !== null
      ? createHttpsServer(
          { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) },
          guardRequest(log, handler),
        )
      : createServer(guardRequest(log, handler));
  // Header, body and idle deadlines and a per-IP socket cap for plain HTTP (http-limits.ts).
  limitHttp(http, options, log);
  const guard = new UpgradeGuard(options, engines.limits);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes,
    perMessageDeflate: deflateNegotiation(options),
    // The node tracks its own connections; ws's set would add a listener per socket.
    clientTracking: false,
    handleProtocols: selectProtocol,
  });
  let stopHeartbeat: (() => void) | undefined;
  let closing = false;

  const onUpgrade = createUpgradeHandler({
    ctx,
    wss,
    guard,
    tokens,
    sessions,
    connections,
    closing: () => closing,
  });
  http.on('upgrade', guardUpgrade(log, onUpgrade));

  async function ensureDefaultRooms(): Promise<void> {
    for (const name of options.defaultRooms) {
      if (!(await store.getRoom(name))) await store.createRoom(name, name);
    }
  }

  return {
    options,
    log,
    store,
    http,
    async listen() {
      await ensureDefaultRooms();
      // Node channels (ended sessions, status) are heard before the first socket opens.
      await node.start();
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        // A deep accept queue: after a restart every client reconnects within the spread window,
        // and with Node's default (511) the kernel drops the SYNs past it, which clients only
        // retry after 1, 3, 7, 15… s. The kernel caps it at net.core.somaxconn.
        http.listen({ port: options.port, host: options.host, backlog: LISTEN_BACKLOG }, () => {
          http.off('error', reject);
          // Later server errors (e.g. EMFILE on accept) are logged; an unheard 'error' would throw.
          http.on('error', (err) => log.error({ err }, 'http server error'));
          resolve();
        });
      });
      stopHeartbeat = startHeartbeat(connections, options.heartbeatMs);
      const port = (http.address() as AddressInfo).port;
      log.info({ port, host: options.host }, 'listening');
      return port;
    },
    async close() {
      if (closing) return;
      closing = true;
      stopHeartbeat?.();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      await Promise.all(
        [...connections].map((conn) => {
          // Spread reconnects so thousands of clients do not come back in the same millisecond.
          const retryMs = Math.floor(Math.random() * options.shutdownSpreadMs);
          return conn.shutdown(CLOSE.going_away, JSON.stringify({ retryMs }), SHUTDOWN_DRAIN_MS);
        }),
      );
      await waitFor(() => connections.size === 0, SHUTDOWN_DRAIN_MS);
      // Idle keep-alive and preconnected sockets would hold http.close() open until they time out.
      http.closeAllConnections();
      for (const conn of connections) conn.cut();
      wss.close();
      await closed;
      await node.stop();
      // Only the engines built here: given ones may serve other nodes too.
      for (const engine of [...owned].reverse()) await engine.close();
      log.info('stopped');
    },
  };
}

function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const check = (): void => {
      if (condition() || Date.now() > deadline) resolve();
      else setTimeout(check, 20);
    };
    check();
  });
}
