/** HTTP: POST /api/auth/{register,login,refresh,logout} and GET /api/config (routed by http/routes.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import type { Logger } from '../log.ts';
import { ipLimitKey } from '../limits/ip-key.ts';
import { clientIp } from '../gateway/upgrade-guard.ts';
import { httpError, sendJson } from '../http/respond.ts';
import type { Handler } from '../http/router.ts';
import type { Accounts, AuthResult, Grant } from './accounts.ts';
import { cookieOriginAllowed, refreshCookie, setRefreshCookie } from './cookie.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { PASSWORD_MAX } from './passwords.ts';

/** Largest accepted JSON body. */
export const MAX_AUTH_BODY_BYTES = 4096;

// Loose string bounds here; the account rules (accounts.ts) give the precise message.
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
// `cookie: true`: the refresh token goes into an HttpOnly cookie instead of the body (cookie.ts).
const credentialsSchema = v.object({
  username: text(256),
  password: text(PASSWORD_MAX * 4),
  cookie: v.optional(v.boolean()),
  /** Register only: the guest session to turn into this account (same user id, rooms and DMs). */
  guestSession: v.optional(text(256)),
});
// Without `refreshToken`, the cookie's is used.
const refreshSchema = v.object({ refreshToken: v.optional(text(256)) });
const logoutSchema = v.object({ refreshToken: v.optional(text(256)), all: v.optional(v.boolean()) });

export interface AuthRoutes {
  readonly accounts: Accounts;
  readonly guests: boolean;
  readonly log: Logger;
  /** Brute-force brakes on login and register (login-throttle.ts); none: unthrottled. */
  readonly throttle?: LoginThrottle;
  /** How many proxies' X-Forwarded-For to trust for the client IP (as for the WebSocket upgrade). */
  readonly trustProxy?: number;
  /** The whole body must arrive within this (default 10 s); else 408 and the socket is closed. */
  readonly bodyTimeoutMs?: number;
  /** Origins a cookie-mode request may come from (as for the WebSocket; default: same host only). */
  readonly allowedOrigins?: readonly string[];
  /** The refresh cookie's lifetime: the refresh token's (default 30 days). */
  readonly refreshTtlMs?: number;
}

type Action = 'register' | 'login' | 'refresh' | 'logout';

/** The handlers: `config` for GET /api/config, `action` for POST /api/auth/:action(register|login|refresh|logout). */
export function authHandlers(routes: AuthRoutes): { readonly config: Handler; readonly action: Handler } {
  return {
    config: (_req, res) => sendJson(res, 200, { guests: routes.guests }),
    action: (req, res, { params }) => handle(routes, params['action'] as Action, req, res),
  };
}

/** One POST /api/auth/* request; a failure reaches the router, which answers 500 `internal`. */
async function handle(routes: AuthRoutes, action: Action, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { accounts, throttle } = routes;
  const ip = ipLimitKey(clientIp(req, routes.trustProxy ?? 0));
  // Charged before the body is read, so a flood of trickled bodies spends the address's budget.
  const ipWait = throttle && (action === 'register' || action === 'login') ? await throttle.attempt(ip) : 0;
  if (ipWait > 0) return tooMany(res, ipWait, true);
  // Requiring JSON also means a cross-site form cannot post here without a CORS preflight.
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    return httpError(res, 'bad_request', { message: 'Send Content-Type: application/json', reason: 'media_type' });
  }
  const body = await readBody(req, routes.bodyTimeoutMs ?? 10_000);
  if (body === 'timeout' || body === 'aborted') {
    // The client's doing: no stack in the log; a stalled client is cut.
    routes.log.info({ reason: body }, 'auth body not received');
    if (body === 'timeout') {
      const message = 'The body did not arrive in time';
      httpError(res, 'bad_request', { message, reason: 'timeout', headers: { Connection: 'close' } });
    }
    return;
  }
  if (body === 'too_large') {
    const message = `The body is larger than ${MAX_AUTH_BODY_BYTES} bytes`;
    return httpError(res, 'bad_request', { message, reason: 'too_large' });
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return httpError(res, 'bad_request', { message: 'The body is not valid JSON' });
  }
  const malformed = (message: string): void => httpError(res, 'bad_request', { message });
  const parsed = v.safeParse(
    action === 'refresh' ? refreshSchema : action === 'logout' ? logoutSchema : credentialsSchema,
    json,
  );
  if (!parsed.success) {
    const shapes: Record<Action, string> = {
      register: '{"username": string, "password": string, "cookie"?: boolean, "guestSession"?: string}',
      login: '{"username": string, "password": string, "cookie"?: boolean}',
      refresh: '{"refreshToken"?: string}',
      logout: '{"refreshToken"?: string, "all"?: boolean}',
    };
    return malformed(`Expected ${shapes[action]}`);
  }
  const fields: { refreshToken?: string; cookie?: boolean; all?: boolean } = parsed.output;
  // Cookie mode: asked for at sign-in, or implied by a refresh or logout without a token in the body.
  const cookieMode =
    action === 'register' || action === 'login' ? fields.cookie === true : fields.refreshToken === undefined;
  const trust = routes.trustProxy ?? 0;
  const ttl = routes.refreshTtlMs ?? 30 * 24 * 3_600_000;
  const cookie = (token: string | null): Record<string, string> => ({
    'Set-Cookie': setRefreshCookie(req, token, ttl, trust),
  });
  if (cookieMode && !cookieOriginAllowed(req, routes.allowedOrigins ?? ['self'])) {
    return httpError(res, 'forbidden', { message: 'Cookie sign-in is only served to pages of this server' });
  }
  const answer = (result: AuthResult): void => {
    if (!result.ok) {
      // A refused cookie is of no further use: the browser forgets it.
      const headers = cookieMode && action === 'refresh' ? cookie(null) : {};
      return httpError(res, result.code, { message: result.message, headers });
    }
    if (!cookieMode) return sendJson(res, 200, result.grant);
    // The refresh token never reaches page scripts: the body carries the rest.
    const { refreshToken, ...rest }: Grant = result.grant;
    sendJson(res, 200, rest, cookie(refreshToken));
  };
  if (action === 'register' || action === 'login') {
    const { username, password, guestSession } = parsed.output as v.InferOutput<typeof credentialsSchema>;
    if (action === 'register') return answer(await accounts.register(username, password, guestSession));
    // Failures per username from this address refuse; from all addresses they only slow down.
    const wait = (await throttle?.login(username, ip)) ?? 0;
    if (wait > 0) return tooMany(res, wait);
    const slowMs = (await throttle?.slowdown(username)) ?? 0;
    if (slowMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, slowMs));
      if (req.socket.destroyed) return; // Gone meanwhile: no password hashed for nobody.
    }
    const result = await accounts.login(username, password);
    if (result.ok) await throttle?.succeeded(username, ip);
    return answer(result);
  }
  const token = cookieMode ? refreshCookie(req) : fields.refreshToken;
  if (action === 'refresh') {
    if (token === undefined) return answer({ ok: false, code: 'refresh_invalid', message: 'No refresh token' });
    return answer(await accounts.refresh(token));
  }
  if (token !== undefined) await accounts.logout(token, fields.all ?? false);
  sendJson(res, 200, { ok: true }, cookieMode ? cookie(null) : {});
}

/**
 * 429 with Retry-After (whole seconds, rounded up) and `retryAfterMs` in the body; `close` when the
 * body was not read (the socket is closed rather than left to drain it).
 */
function tooMany(res: ServerResponse, retryAfterMs: number, close = false): void {
  const seconds = Math.ceil(retryAfterMs / 1000);
  const message = `Too many sign-in attempts; try again in ${seconds} s`;
  const headers: Record<string, string> = { 'Retry-After': String(seconds) };
  if (close) headers['Connection'] = 'close';
  httpError(res, 'rate_limited', { message, extra: { retryAfterMs }, headers });
}

/**
 * The body as text, 'too_large' once it passes MAX_AUTH_BODY_BYTES (the rest is not read),
 * 'timeout' when it is not all there within `timeoutMs`, 'aborted' when the client went away.
 */
function readBody(req: IncomingMessage, timeoutMs: number): Promise<string | 'too_large' | 'timeout' | 'aborted'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      req.removeAllListeners('data');
      req.pause();
      resolve('timeout');
    }, timeoutMs);
    timer.unref();
    req.once('close', () => {
      clearTimeout(timer);
      resolve('aborted');
    });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_AUTH_BODY_BYTES) {
        clearTimeout(timer);
        req.removeAllListeners('data');
        req.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => resolve('aborted'));
  });
}
