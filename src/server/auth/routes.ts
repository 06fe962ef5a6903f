/** HTTP: POST /api/auth/{register,login,refresh,logout} and GET /api/config. */
import type { IncomingMessage } from 'node:http';
import * as v from 'valibot';
import { ERRORS, type ErrorCode } from '../../protocol/index.ts';
import type { Logger } from '../log.ts';
import { ipLimitKey } from '../limits/ip-key.ts';
import { clientIp } from '../gateway/upgrade-guard.ts';
import type { Accounts, AuthResult } from './accounts.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { PASSWORD_MAX } from './passwords.ts';

/** Largest accepted JSON body. */
export const MAX_AUTH_BODY_BYTES = 4096;

type Respond = (status: number, body: unknown, headers?: Record<string, string>) => void;

const STATUS: Partial<Record<ErrorCode, number>> = {
  bad_request: 400,
  username_invalid: 400,
  password_invalid: 400,
  username_taken: 409,
  credentials_invalid: 401,
  refresh_invalid: 401,
};

// Loose string bounds here; the account rules (accounts.ts) give the precise message.
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const credentialsSchema = v.object({ username: text(256), password: text(PASSWORD_MAX * 4) });
const refreshSchema = v.object({ refreshToken: text(256) });
const logoutSchema = v.object({ refreshToken: text(256), all: v.optional(v.boolean()) });

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
}

/** True when the route was handled (answered or answering). */
export function authRoute(routes: AuthRoutes, req: IncomingMessage, path: string, respond: Respond): boolean {
  if (path === '/api/config') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(respond, 'GET');
    respond(200, { guests: routes.guests });
    return true;
  }
  const action = /^\/api\/auth\/(register|login|refresh|logout)$/.exec(path)?.[1];
  if (!action) return false;
  if (req.method !== 'POST') return methodNotAllowed(respond, 'POST');
  void handle(routes, action, req, respond);
  return true;
}

function methodNotAllowed(respond: Respond, allowed: string): true {
  respond(405, { error: 'method_not_allowed', message: `Use ${allowed}` });
  return true;
}

const error = (respond: Respond, code: ErrorCode, message: string = ERRORS[code].message, status?: number): void =>
  respond(status ?? STATUS[code] ?? 400, { error: code, message });

async function handle(routes: AuthRoutes, action: string, req: IncomingMessage, respond: Respond): Promise<void> {
  const { accounts, throttle } = routes;
  try {
    const ip = ipLimitKey(clientIp(req, routes.trustProxy ?? 0));
    // Charged before the body is read, so a flood of trickled bodies spends the address's budget.
    const ipWait = throttle && (action === 'register' || action === 'login') ? await throttle.attempt(ip) : 0;
    if (ipWait > 0) {
      tooMany(respond, ipWait, true);
      return;
    }
    // Requiring JSON also means a cross-site form cannot post here without a CORS preflight.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      error(respond, 'bad_request', 'Send Content-Type: application/json', 415);
      return;
    }
    const body = await readBody(req, routes.bodyTimeoutMs ?? 10_000);
    if (body === 'timeout' || body === 'aborted') {
      // The client's doing: no stack in the log; a stalled client is cut.
      routes.log.info({ reason: body }, 'auth body not received');
      if (body === 'timeout') {
        respond(408, { error: 'bad_request', message: 'The body did not arrive in time' }, { Connection: 'close' });
      }
      return;
    }
    if (body === 'too_large') {
      error(respond, 'bad_request', `The body is larger than ${MAX_AUTH_BODY_BYTES} bytes`, 413);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      error(respond, 'bad_request', 'The body is not valid JSON');
      return;
    }
    const answer = (result: AuthResult): void => {
      if (result.ok) respond(200, result.grant);
      else error(respond, result.code, result.message);
    };
    if (action === 'register' || action === 'login') {
      const parsed = v.safeParse(credentialsSchema, json);
      if (!parsed.success) {
        error(respond, 'bad_request', 'Expected {"username": string, "password": string}');
        return;
      }
      const { username, password } = parsed.output;
      if (action === 'register') {
        answer(await accounts.register(username, password));
        return;
      }
      // Failures per username from this address refuse; from all addresses they only slow down.
      const wait = (await throttle?.login(username, ip)) ?? 0;
      if (wait > 0) {
        tooMany(respond, wait);
        return;
      }
      const slowMs = (await throttle?.slowdown(username)) ?? 0;
      if (slowMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, slowMs));
        if (req.socket.destroyed) return; // Gone meanwhile: no password hashed for nobody.
      }
      const result = await accounts.login(username, password);
      if (result.ok) await throttle?.succeeded(username, ip);
      answer(result);
      return;
    }
    if (action === 'refresh') {
      const parsed = v.safeParse(refreshSchema, json);
      if (!parsed.success) {
        error(respond, 'bad_request', 'Expected {"refreshToken": string}');
        return;
      }
      answer(await accounts.refresh(parsed.output.refreshToken));
      return;
    }
    const parsed = v.safeParse(logoutSchema, json);
    if (!parsed.success) {
      error(respond, 'bad_request', 'Expected {"refreshToken": string, "all"?: boolean}');
      return;
    }
    await accounts.logout(parsed.output.refreshToken, parsed.output.all ?? false);
    respond(200, { ok: true });
  } catch (err) {
    routes.log.error({ err }, 'auth route failed');
    error(respond, 'internal', undefined, 500);
  }
}

/**
 * 429 with Retry-After (whole seconds, rounded up) and `retryAfterMs` in the body; `close` when the
 * body was not read (the socket is closed rather than left to drain it).
 */
function tooMany(respond: Respond, retryAfterMs: number, close = false): void {
  const seconds = Math.ceil(retryAfterMs / 1000);
  const message = `Too many sign-in attempts; try again in ${seconds} s`;
  const headers: Record<string, string> = { 'Retry-After': String(seconds) };
  if (close) headers['Connection'] = 'close';
  respond(429, { error: 'rate_limited', message, retryAfterMs }, headers);
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
