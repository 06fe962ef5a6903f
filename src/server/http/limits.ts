/**
 * Deadlines and a per-IP socket cap for plain HTTP (issue 10, finding 7): a client that sends
 * its headers or body a byte at a time, or opens sockets by the thousand, is cut within the
 * configured times instead of being held for minutes. WebSockets leave this count on upgrade
 * (upgrade-guard.ts counts them).
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ipLimitKey } from '../limits/ip-key.ts';
import type { Logger } from '../log.ts';
import type { ServerOptions } from '../options.ts';

export type HttpLimitOptions = Pick<
  ServerOptions,
  | 'httpHeadersTimeoutMs'
  | 'httpRequestTimeoutMs'
  | 'httpKeepAliveTimeoutMs'
  | 'httpIdleTimeoutMs'
  | 'maxHttpConnectionsPerIp'
  | 'trustProxy'
>;

/** Node's own answers to a request it could not parse or that ran out of time (as without a listener). */
const CLIENT_ERROR_ANSWERS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
};

const OVER_CAP = 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';
/** Long enough for the peer to read the answer before the socket is destroyed. */
const OVER_CAP_LINGER_MS = 1_000;

export function limitHttp(http: HttpServer, o: HttpLimitOptions, log: Logger): void {
  http.headersTimeout = o.httpHeadersTimeoutMs;
  http.requestTimeout = o.httpRequestTimeoutMs;
  http.keepAliveTimeout = o.httpKeepAliveTimeoutMs;
  http.setTimeout(o.httpIdleTimeoutMs);
  // Node checks the two deadlines above only this often (default 30 s, which let slow headers
  // live 30 s past their deadline). Read when the server starts listening.
  const check = Math.max(100, Math.min(1_000, Math.floor(o.httpHeadersTimeoutMs / 4)));
  (http as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval = check;

  // A timeout or garbage is the client's doing: logged without a stack, answered as Node would.
  http.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const code = err.code ?? 'unknown';
    if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
      log.info({ ip: (socket as Socket).remoteAddress }, 'http request timed out');
    else log.debug({ code, ip: (socket as Socket).remoteAddress }, 'http client error');
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent && code !== 'ECONNRESET') {
      const status = CLIENT_ERROR_ANSWERS[code] ?? '400 Bad Request';
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });

  const perIp = new Map<string, number>();
  /** `address|port` of each counted socket (the same for a TLS socket and its TCP socket) → IP key. */
  const counted = new Map<string, string>();
  const release = (id: string): void => {
    const key = counted.get(id);
    if (key === undefined) return;
    counted.delete(id);
    const n = (perIp.get(key) ?? 1) - 1;
    if (n > 0) perIp.set(key, n);
    else perIp.delete(key);
  };
  const idOf = (socket: Socket): string => `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;
  // One listener for every socket (the peer address is cached on the socket, also after close).
  const releaseSocket = function (this: Socket): void {
    release(idOf(this));
  };

  // Behind a proxy every socket comes from the proxy: the cap would throttle everyone at once,
  // so the proxy bounds connections per client there.
  if (o.trustProxy === 0) {
    // Prepended, so a refused socket is gone before Node attaches a parser to it.
    http.prependListener('connection', (socket: Socket) => {
      const ip = socket.remoteAddress;
      if (ip === undefined) return;
      const key = ipLimitKey(ip);
      const n = perIp.get(key) ?? 0;
      if (n >= o.maxHttpConnectionsPerIp) {
        // Answered at once, before the request is read, so a browser or SDK sees a retryable
        // status instead of a reset; cut a moment later whatever the peer does.
        log.debug({ ip: key, open: n }, 'http connection refused: too many from this address');
        socket.end(OVER_CAP);
        setTimeout(() => socket.destroy(), OVER_CAP_LINGER_MS).unref();
        return;
      }
      perIp.set(key, n + 1);
      counted.set(idOf(socket), key);
      socket.on('close', releaseSocket);
    });
    // An upgraded socket leaves the count, and its listener goes (nothing per WebSocket stays here).
    http.on('upgrade', (_req, socket: Duplex) => {
      socket.off('close', releaseSocket);
      release(idOf(socket as Socket));
    });
  }
}
