/**
 * Checks run on a WebSocket upgrade request before any socket exists: the Origin allow-list
 * (403), the per-IP connection rate (429) and the per-IP concurrent connection cap (503).
 * See docs/security.md ("Origin" and "Limits").
 */
import type { IncomingMessage } from 'node:http';
import { TokenBucket } from '../../protocol/index.ts';
import { ipLimitKey } from '../limits/ip-key.ts';
import type { ServerOptions } from '../options.ts';

export type GuardVerdict =
  | { readonly ok: true; readonly ip: string; readonly release: () => void }
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

/** Per-IP state (buckets idle for a while are swept so the map stays bounded). */
interface IpEntry {
  bucket: TokenBucket;
  open: number;
  seen: number;
}

const SWEEP_MS = 60_000;

export class UpgradeGuard {
  readonly #options: ServerOptions;
  readonly #ips = new Map<string, IpEntry>();
  #sweptAt = Date.now();

  constructor(options: ServerOptions) {
    this.#options = options;
  }

  check(req: IncomingMessage): GuardVerdict {
    const o = this.#options;
    const origin = req.headers.origin;
    if (!originAllowed(origin, req.headers.host, o.allowedOrigins)) {
      return { ok: false, status: 403, reason: 'origin_not_allowed' };
    }
    const now = Date.now();
    this.#sweep(now);
    const ip = clientIp(req, o.trustProxy);
    // Counted per address (IPv4) or per /64 (IPv6): ip-key.ts.
    const key = ipLimitKey(ip);
    let e = this.#ips.get(key);
    if (!e) {
      e = { bucket: new TokenBucket(o.ipConnectsPerSec, o.ipConnectsBurst, now), open: 0, seen: now };
      this.#ips.set(key, e);
    }
    e.seen = now;
    if (e.open >= o.maxConnectionsPerIp) {
      return { ok: false, status: 503, reason: 'too_many_connections', retryAfterS: 5 };
    }
    const wait = e.bucket.take(now);
    if (wait > 0) return { ok: false, status: 429, reason: 'rate_limited', retryAfterS: Math.ceil(wait / 1000) };
    e.open++;
    const entry = e;
    let released = false;
    return {
      ok: true,
      ip,
      release: () => {
        if (released) return;
        released = true;
        entry.open--;
        entry.seen = Date.now();
      },
    };
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < SWEEP_MS) return;
    this.#sweptAt = now;
    const idleMs = Math.max(
      SWEEP_MS,
      (this.#options.ipConnectsBurst / Math.max(this.#options.ipConnectsPerSec, 0.001)) * 1000,
    );
    for (const [ip, e] of this.#ips) if (e.open === 0 && now - e.seen > idleMs) this.#ips.delete(ip);
  }
}
