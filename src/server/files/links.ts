/**
 * Signed, short-lived file links. `<img src>` sends no Authorization header, so a member asks
 * for a link (GET /api/files/:id, authenticated) and the link carries the proof:
 * HMAC-SHA256 over (file id, user id, expiry) with a key derived from the token secret. A
 * download still checks that the user is a member of the file's room *now*, so a kicked or
 * banned user's links stop working at once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Expiries are rounded up to this step so one user's link to a file stays the same (and cacheable) for a while. */
const STEP_MS = 5 * 60_000;

export interface SignedLink {
  /** Query string: `u=<user>&e=<expiry s>&s=<signature>`. */
  readonly query: string;
  /** ms since the epoch. */
  readonly expiresAt: number;
}

export class FileLinks {
  readonly #key: Buffer;
  readonly #ttlMs: number;

  /** `secret`: the token secret; a separate key is derived from it so the two uses never mix. */
  constructor(secret: string, ttlMs: number) {
    this.#key = createHmac('sha256', secret).update('parley.file-links.v1').digest();
    this.#ttlMs = ttlMs;
  }

  #sig(fileId: string, userId: string, exp: number): Buffer {
    return createHmac('sha256', this.#key).update(`${fileId}\n${userId}\n${exp}`).digest();
  }

  sign(fileId: string, userId: string, now = Date.now()): SignedLink {
    const exp = Math.ceil((now + this.#ttlMs) / STEP_MS) * (STEP_MS / 1000);
    const sig = this.#sig(fileId, userId, exp).toString('base64url');
    return { query: `u=${encodeURIComponent(userId)}&e=${exp}&s=${sig}`, expiresAt: exp * 1000 };
  }

  /** The user the link was made for, or undefined when it is malformed, forged or expired. */
  verify(fileId: string, params: URLSearchParams, now = Date.now()): string | undefined {
    const user = params.get('u');
    const exp = Number(params.get('e'));
    const sig = Buffer.from(params.get('s') ?? '', 'base64url');
    if (!user || user.length > 64 || !Number.isSafeInteger(exp) || exp * 1000 <= now) return undefined;
    const want = this.#sig(fileId, user, exp);
    return sig.length === want.length && timingSafeEqual(sig, want) ? user : undefined;
  }
}
