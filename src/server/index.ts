/** createParleyServer: wires store, broker, presence, hub, HTTP and WebSocket on one port. */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOSE, type PresenceFrame } from '../protocol/index.ts';
import { Accounts } from './auth/accounts.ts';
import { authenticateUpgrade, closeOnExpiry, selectProtocol, unauthorized } from './auth/handshake.ts';
import { LoginSessions } from './auth/login-sessions.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { AccessTokens, loadOrCreateSecret } from './auth/tokens.ts';
import { Connection } from './gateway/connection.ts';
import type { ServerContext } from './core/context.ts';
import { resolveEngines, type Engines } from './engines.ts';
import { Files } from './files/files.ts';
import { FileLinks } from './files/links.ts';
import { startHeartbeat } from './gateway/heartbeat.ts';
import { createHttpHandler } from './http/router.ts';
import { limitHttp } from './http/limits.ts';
import { Hub } from './fanout/hub.ts';
import { createLogger, type Logger } from './log.ts';
import { resolveOptions, type ServerOptions } from './options.ts';
import { StatusSignals } from './fanout/status-signals.ts';
import { UserLimits } from './limits/user-limits.ts';
import { ReceiptSignals } from './fanout/receipts.ts';
import type { Store } from './store/store.ts';
import { guarded, guardRequest, guardUpgrade } from './guard.ts';
import { requestUrl } from './http/request-url.ts';
import { refusal, UpgradeGuard } from './gateway/upgrade-guard.ts';

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
}

export function createParleyServer(init: ParleyServerInit = {}): ParleyServer {
  const options = resolveOptions([], {}, init.options ?? {});
  const log = createLogger(options.logLevel);
  const { engines, owned } = resolveEngines(options, init);
  const { store, broker, presence } = engines;
  const hub = new Hub(broker, log);
  const connections = new Set<Connection>();
  const dirtyRooms = new Set<string>();
  const statuses = new StatusSignals({
    presence,
    store,
    connections,
    log,
    nodes: hub,
    graceMs: options.presenceGraceMs,
    windowMs: options.statusCoalesceMs,
  });

  const flushPresence = async (): Promise<void> => {
    const rooms = [...dirtyRooms];
    dirtyRooms.clear();
    for (const room of rooms) {
      const frame: PresenceFrame = { type: 'presence', room, online: await presence.online(room) };
      hub.broadcast(room, JSON.stringify(frame));
    }
  };
  const ctx: ServerContext = {
    options,
    log,
    store,
    broker,
    hub,
    presence,
    connections,
    userLimits: new UserLimits(options),
    receipts: new ReceiptSignals(hub),
    statuses,
    presenceChanged(room) {
      // Coalesced: a burst of joins and leaves yields one presence frame per room.
      if (dirtyRooms.size === 0) setImmediate(() => guarded(log, { timer: 'presence' }, flushPresence));
      dirtyRooms.add(room);
    },
  };

  // Without a configured secret, one is generated and kept under the data directory.
  const secret = options.tokenSecret ?? loadOrCreateSecret(options.dataDir);
  // Logout ends a login session: its tokens stop verifying (also for HTTP) and its sockets close.
  const sessions = new LoginSessions(store, hub, log);
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
  const guard = new UpgradeGuard(options);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes,
    perMessageDeflate: false,
    handleProtocols: selectProtocol,
  });
  let stopHeartbeat: (() => void) | undefined;
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A peer that resets a refused upgrade must not crash the server with an unhandled 'error'.
    socket.on('error', (err) => log.debug({ err: err.message }, 'upgrade socket error'));
    const url = requestUrl(req.url);
    if (url?.pathname !== '/ws' || closing) {
      const status = closing ? '503 Service Unavailable' : url ? '404 Not Found' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      return;
    }
    // Origin allow-list and per-IP limits, before any socket exists (upgrade-guard.ts).
    const verdict = guard.check(req);
    if (!verdict.ok) {
      log.debug({ status: verdict.status, reason: verdict.reason, origin: req.headers.origin }, 'upgrade refused');
      socket.end(refusal(verdict.status, verdict.reason, verdict.retryAfterS));
      return;
    }
    socket.once('close', verdict.release);
    // The access token is checked before the upgrade completes: a bad one gets 401 and no socket.
    const authenticated = authenticateUpgrade(req, tokens, options.guests).then((auth) => {
      if (!auth.ok) {
        log.debug({ reason: auth.reason }, 'upgrade unauthorized');
        socket.end(unauthorized(auth.reason));
        return;
      }
      if (socket.destroyed || closing) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const conn = new Connection(ws, ctx, verdict.ip);
        if (auth.claims) {
          conn.account = auth.claims;
          ws.once(
            'close',
            closeOnExpiry(auth.claims.expiresAt, (code, reason) => conn.close(code, reason)),
          );
          // Closed with 4411 when its login session ends (also if that happened during the upgrade).
          ws.once('close', sessions.attach(auth.claims.sessionId, conn));
        }
        connections.add(conn);
      });
    });
    authenticated.catch((err: unknown) => {
      log.error({ err }, 'upgrade authentication failed');
      socket.destroy();
    });
  };
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
      await hub.start();
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port, options.host, () => {
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
      ctx.receipts.close();
      // Last seen for everyone still online, before the store closes.
      await statuses.close();
      await hub.stop();
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
