/** HTTP routes: health, a small read-only REST surface, and the built web app. */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import * as v from 'valibot';
import { LIMITS, roomNameSchema } from '../../protocol/index.ts';
import { authRoute, type AuthRoutes } from '../auth/routes.ts';
import type { ServerContext } from '../core/context.ts';
import type { Files } from '../files/files.ts';
import { filesRoute } from '../files/routes.ts';
import { requestUrl } from './request-url.ts';

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self'; " +
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** With native TLS only: browsers then refuse plain http to this host for a year (behind a proxy, the proxy sets it). */
const HSTS = 'max-age=31536000';

type Respond = (status: number, body: unknown, headers?: Record<string, string>) => void;

export function createHttpHandler(
  ctx: ServerContext,
  auth?: AuthRoutes,
  files?: Files,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { webDir } = ctx.options;
  const serveWeb =
    webDir && existsSync(webDir) ? sirv(webDir, { single: true, etag: true, gzip: false, dev: false }) : undefined;
  const startedAt = Date.now();
  const tls = ctx.options.tlsCert !== null && ctx.options.tlsKey !== null;

  return (req, res) => {
    for (const [k, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, value);
    if (tls) res.setHeader('Strict-Transport-Security', HSTS);
    const url = requestUrl(req.url);
    const respond: Respond = (status, body, headers = {}) => {
      // A late answer (after a failure began one) must not throw a second head.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    if (!url) {
      respond(400, { error: 'bad_request', message: 'The request target is not a valid path' });
      return;
    }
    // Accounts: POST /api/auth/* and GET /api/config (auth/routes.ts).
    if (auth && authRoute(auth, req, url.pathname, respond)) return;
    // Uploads and downloads: /api/rooms/:room/files and /api/files/* (files/routes.ts).
    if (files && filesRoute(files, ctx.log, req, res, url)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      respond(405, { error: 'method_not_allowed', message: 'Only GET is served over HTTP; use the WebSocket' });
      return;
    }
    if (url.pathname === '/healthz') {
      respond(200, { status: 'ok', connections: ctx.connections.size, uptimeMs: Date.now() - startedAt });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      apiRoute(ctx, url, respond).catch((err: unknown) => {
        ctx.log.error({ err }, 'api failed');
        respond(500, { error: 'internal', message: 'Internal server error' });
      });
      return;
    }
    if (serveWeb) {
      serveWeb(req, res, () => respond(404, { error: 'not_found', message: 'No such page' }));
      return;
    }
    respond(404, { error: 'not_found', message: 'The web app is not built; run npm run build:web' });
  };
}

const seqParam = (s: string | null): number | undefined => {
  if (s === null) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) && n >= 0 ? n : Number.NaN;
};

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}

async function apiRoute(ctx: ServerContext, url: URL, respond: Respond): Promise<void> {
  const { store } = ctx;
  if (url.pathname === '/api/rooms') {
    // No identity over this route: public rooms only (private ones are listed by the `rooms` frame).
    respond(200, { rooms: await store.listRooms() });
    return;
  }
  const m = /^\/api\/rooms\/([^/]+)\/history$/.exec(url.pathname);
  if (m) {
    // Malformed percent-encoding is bad input (400), not a server error.
    const name = safeDecode(m[1] ?? '');
    if (!v.is(roomNameSchema, name)) {
      respond(400, { error: 'room_invalid', message: 'Room name is not allowed' });
      return;
    }
    // No identity over this route: a private room answers exactly like a missing one.
    const room = await store.getRoom(name);
    if (room?.visibility !== 'public') {
      respond(404, { error: 'room_not_found', message: `Room "${name}" does not exist` });
      return;
    }
    const before = seqParam(url.searchParams.get('before'));
    const after = seqParam(url.searchParams.get('after'));
    const asked = seqParam(url.searchParams.get('limit')) ?? LIMITS.historyDefaultLimit;
    if (Number.isNaN(before) || Number.isNaN(after) || Number.isNaN(asked) || asked < 1) {
      respond(400, {
        error: 'bad_request',
        message: 'before/after must be non-negative integers and limit a positive integer',
      });
      return;
    }
    // A larger limit is clamped, not refused: `more` tells the caller to read on.
    const limit = Math.min(asked, LIMITS.historyMaxLimit);
    const page = await store.history(name, { before, after, limit });
    const head = Math.max(room.head, page.events.at(-1)?.seq ?? 0);
    respond(200, { room: name, ...page, head });
    return;
  }
  respond(404, { error: 'not_found', message: 'No such API route' });
}
