/**
 * Checks run on a WebSocket upgrade request before any socket exists: the Origin allow-list
 * (403), the per-IP connection rate (429: the Limiters engine's `connect-ip` buckets, shared by
 * the nodes that share the engine) and the per-IP concurrent connection cap (503: this node's
 * open sockets). See docs/security.md ("Origin" and "Limits").
 */
import type { IncomingMessage } from 'node:http';
import { ipLimitKey } from '../limits/ip-key.ts';
import type { Limiter, Limiters } from '../limits/limiter.ts';
import { MemoryLimiters } from '../limits/memory-limiter.ts';
import type { ServerOptions } from '../options.ts';

/** One open socket's place in the per-IP count: released once, however many paths call it. */
export class IpSlot {
  readonly #open: Map<string, number>;
  readonly #key: string;
  #released = false;

  constructor(open: Map<string, number>, key: string) {
    this.#open = open;
    this.#key = key;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    const n = (this.#open.get(this.#key) ?? 1) - 1;
    if (n > 0) this.#open.set(this.#key, n);
    else this.#open.delete(this.#key);
  }
}

export type GuardVerdict =
  | { readonly ok: true; readonly ip: string; readonly slot: IpSlot }
  | { readonly ok: false; readonly status: number; readonly reason: string; readonly retryAfterS?: number };

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** The raw HTTP response written to a refused upgrade socket (then the socket is ended). */
export function refusal(status: number, reason: string, retryAfterS?: number): string {
  const body = JSON.stringify({ error: reason });
  return (
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
    'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
    (retryAfterS === undefined ? '' : `Retry-After: ${retryAfterS}\r\n`) +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** The client's IP: the socket's peer, or with `trustProxy = n` the n-th X-Forwarded-For entry from the right. */
export function clientIp(req: IncomingMessage, trustProxy: number): string {
  const peer = req.socket.remoteAddress ?? '';
  if (trustProxy <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const hops = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Each trusted proxy appends the address it saw; entries further left are client-supplied.
  return hops[hops.length - trustProxy] ?? hops[0] ?? peer;
}

/**
 * Whether an Origin header is allowed. Entries: `*` (any), `self` (the origin's host:port equals
 * the request's Host header), an exact origin (`https://chat.example.com`), or an origin with
 * port `*` (`http://localhost:*`). Requests without Origin are not from a browser page: allowed.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin.toLowerCase().replace(/\/$/, '')) return false;
  for (const entry of allowed) {
    if (entry === '*') return true;
    if (entry === 'self') {
      if (host !== undefined && url.host === host.toLowerCase()) return true;
      continue;
    }
    if (entry.endsWith(':*')) {
      const base = entry.slice(0, -2).toLowerCase();
      if (`${url.protocol}//${url.hostname}` === base) return true;
      continue;
    }
    if (url.origin === entry.toLowerCase().replace(/\/$/, '')) return true;
  }
  return false;
}

export class UpgradeGuard {
  readonly #options: ServerOptions;
  /** New connections per IP key: a rate, in the Limiters engine. */
  readonly #connects: Limiter;
  /** Open WebSockets per IP key on this node: a count (keys with none are dropped, so it stays bounded). */
  readonly #open = new Map<string, number>();

  constructor(options: ServerOptions, limiters: Limiters = new MemoryLimiters()) {
    this.#options = options;
    this.#connects = limiters.bucket('connect-ip', options.ipConnectsPerSec, options.ipConnectsBurst);
  }

  /** The verdict: at once with the memory engine; a shared engine may answer with a Promise. */
  check(req: IncomingMessage): GuardVerdict | Promise<GuardVerdict> {
    const o = this.#options;
    const origin = req.headers.origin;
    if (!originAllowed(origin, req.headers.host, o.allowedOrigins)) {
      return { ok: false, status: 403, reason: 'origin_not_allowed' };
    }
    const ip = clientIp(req, o.trustProxy);
    // Counted per address (IPv4) or per /64 (IPv6): ip-key.ts.
    const key = ipLimitKey(ip);
    const open = this.#open.get(key) ?? 0;
    if (open >= o.maxConnectionsPerIp) {
      return { ok: false, status: 503, reason: 'too_many_connections', retryAfterS: 5 };
    }
    // The slot is held while the rate is asked, so upgrades answered later cannot pass the cap.
    this.#open.set(key, open + 1);
    // An object, not a closure: it stays with the socket for the socket's life.
    const slot = new IpSlot(this.#open, key);
    const verdict = (wait: number): GuardVerdict => {
      if (wait === 0) return { ok: true, ip, slot };
      slot.release();
      return { ok: false, status: 429, reason: 'rate_limited', retryAfterS: Math.ceil(wait / 1000) };
    };
    const wait = this.#connects.take(key);
    if (typeof wait === 'number') return verdict(wait);
    // The peer may hang up before the engine answers: its slot goes with it.
    const release = (): void => slot.release();
    req.socket.once('close', release);
    return wait.then(verdict, (err: unknown) => {
      release();
      throw err;
    });
  }

  /** IP keys with open sockets on this node (for tests and metrics). */
  get size(): number {
    return this.#open.size;
  }
}
