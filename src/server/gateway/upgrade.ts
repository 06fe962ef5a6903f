/**
 * The WebSocket upgrade: path, origin and per-IP checks, then the access token, all before any
 * socket exists; an accepted upgrade becomes a Connection in the node's set.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { authenticateUpgrade, unauthorized } from '../auth/handshake.ts';
import type { LoginSessions } from '../auth/login-sessions.ts';
import type { AccessTokens } from '../auth/tokens.ts';
import type { ServerContext } from '../core/context.ts';
import { requestUrl } from '../http/request-url.ts';
import { Connection } from './connection.ts';
import { shareDeflate, type DeflateShared } from './deflate.ts';
import { refusal, type GuardVerdict, type IpSlot, type UpgradeGuard } from './upgrade-guard.ts';

export interface UpgradeDeps {
  readonly ctx: ServerContext;
  readonly wss: WebSocketServer;
  readonly guard: UpgradeGuard;
  readonly tokens: AccessTokens;
  readonly sessions: LoginSessions;
  /** The node's own connections, for heartbeat and shutdown. */
  readonly connections: Set<Connection>;
  /** True once shutdown began: new upgrades get 503. */
  closing(): boolean;
}

export function createUpgradeHandler(deps: UpgradeDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { ctx, wss, guard, tokens, sessions, connections } = deps;
  const { log, options } = ctx;
  // Made once, not per request: a listener made inside the request's scope would keep the
  // request, its headers and `head` alive as long as the socket (≈ 1.5 KiB per idle socket).
  const onSocketError = (err: Error): void => log.debug({ err: err.message }, 'upgrade socket error');
  /** What this server's sockets share of their permessage-deflate state (deflate.ts). */
  const deflateShared: DeflateShared = { params: new Map() };
  return (req, socket, head) => {
    // A peer that resets a refused upgrade must not crash the server with an unhandled 'error'.
    socket.on('error', onSocketError);
    // The usual target needs no URL parser.
    const path = req.url === '/ws' ? '/ws' : requestUrl(req.url)?.pathname;
    if (path !== '/ws' || deps.closing()) {
      const status = deps.closing()
        ? '503 Service Unavailable'
        : path !== undefined
          ? '404 Not Found'
          : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      return;
    }
    // Origin allow-list and per-IP limits, before any socket exists (upgrade-guard.ts); a
    // shared limiter engine may answer later, the embedded one answers at once.
    const verdict = guard.check(req);
    if (verdict instanceof Promise) {
      verdict.then(admit, (err: unknown) => {
        log.error({ err }, 'upgrade check failed');
        socket.destroy();
      });
    } else admit(verdict);

    function admit(verdict: GuardVerdict): void {
      if (!verdict.ok) {
        if (verdict.status === 429) ctx.metrics.limited('connect-ip');
        log.debug({ status: verdict.status, reason: verdict.reason, origin: req.headers.origin }, 'upgrade refused');
        socket.end(refusal(verdict.status, verdict.reason, verdict.retryAfterS));
        return;
      }
      holdSlot(socket, verdict.slot);
      accept(verdict.ip);
    }

    function accept(ip: string): void {
      // The access token is checked before the upgrade completes: a bad one gets 401 and no socket.
      const authenticated = authenticateUpgrade(req, tokens, options.guests).then((auth) => {
        if (!auth.ok) {
          log.debug({ reason: auth.reason }, 'upgrade unauthorized');
          socket.end(unauthorized(auth.reason));
          return;
        }
        if (socket.destroyed || deps.closing()) {
          socket.destroy();
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          dropIdleTimer(socket);
          shareDeflate(ws, deflateShared);
          const conn = new Connection(ws, ctx, ip);
          if (auth.claims) {
            // Closed with 4410 once the token expires, by the heartbeat's expiry sweep (heartbeat.ts).
            conn.account = auth.claims;
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
    }
  };
}

const SLOT = Symbol('parley.ipSlot');
type Slotted = Duplex & { [SLOT]?: IpSlot };

/** The per-IP slot goes with the socket: one shared listener, no closure per socket. */
function holdSlot(socket: Duplex, slot: IpSlot): void {
  (socket as Slotted)[SLOT] = slot;
  socket.on('close', releaseSlot);
}

function releaseSlot(this: Slotted): void {
  this[SLOT]?.release();
}

let timeoutKey: symbol | undefined;

/**
 * ws turned the HTTP idle timeout off (`setTimeout(0)`), but Node keeps the cleared Timeout and
 * its bound callback on the socket (≈ 0.25 KiB) and refreshes it on every read and write: let it go.
 */
function dropIdleTimer(socket: Duplex): void {
  const owned = socket as unknown as Record<symbol, unknown>;
  timeoutKey ??= Object.getOwnPropertySymbols(socket).find((k) => k.description === 'timeout');
  if (timeoutKey !== undefined && (socket as { timeout?: number }).timeout === 0) owned[timeoutKey] = null;
}
