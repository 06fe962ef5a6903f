/**
 * Every HTTP route of a node, in one table (the handlers live with their feature: auth/, files/,
 * http/rest.ts), and the request handler around it: security headers on every answer, HSTS with
 * native TLS, and a request target that does not parse answered 400 before any route is tried.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authHandlers, type AuthRoutes } from '../auth/routes.ts';
import type { ServerContext } from '../core/context.ts';
import type { Files } from '../files/files.ts';
import { fileHandlers } from '../files/routes.ts';
import { metricsRoute } from '../metrics/route.ts';
import { requestUrl } from './request-url.ts';
import { httpError } from './respond.ts';
import { restRoutes } from './rest.ts';
import { createRouter, type Route } from './router.ts';

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

/** The 405 message of the read-only surface (everything but accounts and files). */
export const READ_ONLY = 'Only GET is served over HTTP; use the WebSocket';

/** The route table, first match first (docs/protocol.md documents each route). */
export function httpRoutes(ctx: ServerContext, auth: AuthRoutes, files: Files): Route[] {
  const rest = restRoutes(ctx);
  // Cookie sign-in answers pages of the origins the WebSocket accepts, for the refresh token's lifetime.
  const o = ctx.options;
  const accounts = authHandlers({ allowedOrigins: o.allowedOrigins, refreshTtlMs: o.refreshTokenTtlMs, ...auth });
  const file = fileHandlers(files);
  return [
    // Accounts (auth/routes.ts).
    { path: '/api/config', GET: accounts.config },
    { path: '/api/auth/:action(register|login|refresh|logout)', POST: accounts.action },
    // Uploads and downloads (files/routes.ts).
    { path: '/api/rooms/:room/files', POST: file.upload },
    { path: '/api/files/:id', GET: file.describe, HEAD: file.describe },
    { path: '/api/files/:id/:variant(content|thumb)', GET: file.download, HEAD: file.download },
    // Health and the public read-only REST surface (http/rest.ts).
    { path: '/healthz', GET: rest.health, wrongMethod: READ_ONLY },
    // Prometheus metrics: 404 unless --metrics on or --metrics-token (metrics/route.ts).
    { path: '/metrics', GET: metricsRoute(ctx) },
    { path: '/api/rooms', GET: rest.rooms, wrongMethod: READ_ONLY },
    { path: '/api/rooms/:room/history', GET: rest.history, wrongMethod: READ_ONLY },
    { path: '/api/*', GET: rest.noSuchApi, wrongMethod: READ_ONLY },
    // The web app, with index.html for the paths the app routes itself.
    { path: '/*', GET: rest.web, wrongMethod: READ_ONLY },
  ];
}

export function createHttpHandler(
  ctx: ServerContext,
  auth: AuthRoutes,
  files: Files,
): (req: IncomingMessage, res: ServerResponse) => void {
  const route = createRouter(ctx.log, httpRoutes(ctx, auth, files));
  const tls = ctx.options.tlsCert !== null && ctx.options.tlsKey !== null;
  return (req, res) => {
    for (const [k, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, value);
    if (tls) res.setHeader('Strict-Transport-Security', HSTS);
    const url = requestUrl(req.url);
    if (!url) {
      httpError(res, 'bad_request', { message: 'The request target is not a valid path' });
      return;
    }
    route(req, res, url);
  };
}
