/**
 * The access token at the WebSocket upgrade, checked before the upgrade completes: from
 * `?token=` or a `Sec-WebSocket-Protocol` entry `bearer.<token>` offered next to `parley.v1`.
 */
import type { IncomingMessage } from 'node:http';
import { requestUrl } from '../http/request-url.ts';
import type { AccessClaims, AccessTokens } from './tokens.ts';

export const SUBPROTOCOL = 'parley.v1';
const BEARER_PREFIX = 'bearer.';

export type HandshakeAuth =
  /** `claims` undefined: a guest (no token, guests allowed). */
  { readonly ok: true; readonly claims: AccessClaims | undefined } | { readonly ok: false; readonly reason: string };

/** The token offered in the request, if any. */
export function offeredToken(req: IncomingMessage): string | undefined {
  const query = requestUrl(req.url)?.searchParams.get('token');
  if (query) return query;
  const header = req.headers['sec-websocket-protocol'];
  for (const entry of (header ?? '').split(',')) {
    const p = entry.trim();
    if (p.startsWith(BEARER_PREFIX)) return p.slice(BEARER_PREFIX.length);
  }
  return undefined;
}

/**
 * ws `handleProtocols`: always answer `parley.v1`, never echo the bearer entry (a browser
 * requires the server to pick one of the offered protocols, and the token must not be echoed).
 */
export function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
}

/**
 * A present token must be valid and its login session live (tokens.verify); a missing one is a
 * guest, allowed only when `guests` is on.
 */
export async function authenticateUpgrade(
  req: IncomingMessage,
  tokens: AccessTokens,
  guests: boolean,
): Promise<HandshakeAuth> {
  const token = offeredToken(req);
  if (token === undefined) {
    return guests ? { ok: true, claims: undefined } : { ok: false, reason: 'token_missing' };
  }
  const claims = await tokens.verify(token);
  return claims ? { ok: true, claims } : { ok: false, reason: 'token_invalid' };
}

/** The raw 401 written to the upgrade socket before it is ended: no WebSocket is created. */
export function unauthorized(reason: string): string {
  const body = JSON.stringify({ error: 'token_invalid', message: reason });
  return (
    'HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nWWW-Authenticate: Bearer\r\n' +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}
