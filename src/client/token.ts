/** Reading an access token's expiry on the client (no signature check: the server does that). */

/** Seconds of clock skew tolerated when deciding that a token has expired. */
const SKEW_MS = 5_000;

/** The token's `exp` in ms, or undefined when it is not a readable JWT. */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** True when the token has expired (or will within the skew); undefined when that cannot be told. */
export function tokenExpired(token: string, now = Date.now()): boolean | undefined {
  const exp = tokenExpiry(token);
  return exp === undefined ? undefined : exp <= now + SKEW_MS;
}
