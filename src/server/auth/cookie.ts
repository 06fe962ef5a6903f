/**
 * The browser's refresh token as a cookie (docs/security.md, _Where credentials live_): HttpOnly
 * so page scripts never read it, SameSite=Strict and scoped to /api/auth so it goes nowhere else,
 * Secure when the request came over https. A request that uses it must come from an allowed
 * origin: SameSite is the first CSRF defence, the Origin check the second.
 */
import type { IncomingMessage } from 'node:http';
import { originAllowed } from '../gateway/upgrade-guard.ts';

export const REFRESH_COOKIE = 'parley_refresh';
const COOKIE_PATH = '/api/auth';
/** Refresh tokens are 43 base64url characters; anything else in the cookie is not ours. */
const TOKEN = /^[\w-]{16,256}$/;

/** The refresh token in the request's cookie, if one that could be ours is there. */
export function refreshCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== REFRESH_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return TOKEN.test(value) ? value : undefined;
  }
  return undefined;
}

/** Whether the request reached us over https (natively, or per a trusted proxy's X-Forwarded-Proto). */
function secure(req: IncomingMessage, trustProxy: number): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (trustProxy <= 0) return false;
  const proto = req.headers['x-forwarded-proto'];
  const last = (Array.isArray(proto) ? proto.join(',') : (proto ?? '')).split(',').pop()?.trim().toLowerCase();
  return last === 'https';
}

/** The Set-Cookie value that stores `token` for `maxAgeMs`, or (token null) deletes the cookie. */
export function setRefreshCookie(
  req: IncomingMessage,
  token: string | null,
  maxAgeMs: number,
  trustProxy: number,
): string {
  const maxAge = token === null ? 0 : Math.floor(maxAgeMs / 1000);
  const attrs = [`${REFRESH_COOKIE}=${token ?? ''}`, `Path=${COOKIE_PATH}`, `Max-Age=${maxAge}`, 'HttpOnly'];
  attrs.push('SameSite=Strict');
  if (secure(req, trustProxy)) attrs.push('Secure');
  return attrs.join('; ');
}

/**
 * Whether a cookie-mode request may be served: its Origin must be present (browsers send it with
 * every POST from a page) and one the server allows, like a WebSocket's.
 */
export function cookieOriginAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return false;
  return originAllowed(origin, req.headers.host, allowed);
}
