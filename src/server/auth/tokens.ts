/** Short-lived signed access tokens (JWT, HS256, jose) and opaque refresh tokens. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { UserRef } from '../../protocol/index.ts';

const ISSUER = 'parley';
const AUDIENCE = 'parley.ws';

export interface AccessClaims {
  /** The account: id and nick (= username). */
  readonly user: UserRef;
  /** The login session (claim `sid`): logout ends it, and with it every token that carries it. */
  readonly sessionId: string;
  /** Expiry, in ms since the epoch. */
  readonly expiresAt: number;
}

/** Whether a login session is still live (not logged out); see auth/login-sessions.ts. */
export type SessionCheck = (sessionId: string) => Promise<boolean>;

export class AccessTokens {
  readonly #key: Uint8Array;
  readonly #ttlMs: number;
  readonly #sessionLive: SessionCheck | undefined;

  /**
   * `secret` signs and checks tokens: every node of a cluster needs the same one. With
   * `sessionLive`, verify() also refuses tokens whose login session has ended.
   */
  constructor(secret: string, ttlMs: number, sessionLive?: SessionCheck) {
    this.#key = new TextEncoder().encode(secret);
    this.#ttlMs = ttlMs;
    this.#sessionLive = sessionLive;
  }

  async sign(user: UserRef, sessionId: string, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    // JWT times are whole seconds; round the expiry up so a token never lives shorter than asked.
    const exp = Math.ceil((now + this.#ttlMs) / 1000);
    const token = await new SignJWT({ name: user.nick, sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(exp)
      .setJti(randomBytes(9).toString('base64url'))
      .sign(this.#key);
    return { token, expiresAt: exp * 1000 };
  }

  /** The token's claims, or undefined when it is malformed, forged, expired, not ours or logged out. */
  async verify(token: string): Promise<AccessClaims | undefined> {
    const claims = await this.#check(token);
    if (!claims || (this.#sessionLive && !(await this.#sessionLive(claims.sessionId)))) return undefined;
    return claims;
  }

  async #check(token: string): Promise<AccessClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'sid'],
      });
      const { sub, exp, name, sid } = payload;
      if (typeof sub !== 'string' || typeof name !== 'string' || typeof exp !== 'number') return undefined;
      if (typeof sid !== 'string' || sid === '') return undefined;
      return { user: { id: sub, nick: name }, sessionId: sid, expiresAt: exp * 1000 };
    } catch (err) {
      if (err instanceof errors.JOSEError || err instanceof TypeError) return undefined;
      throw err;
    }
  }
}

/** A new opaque refresh token (256 random bits); the store keeps only its hash. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The signing secret of a single node without a configured one: generated once and kept in the
 * data directory (mode 0600), so a restart does not invalidate every token it issued.
 */
export function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'token-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
