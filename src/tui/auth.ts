/** Signing in to an account over the server's HTTP API (docs/protocol.md, "Accounts and tokens"). */
import type { ChatAuth } from './args.ts';
import { ChatExit } from './exit.ts';

export interface Credentials {
  /** The access token, or a function returning the current one (after refreshes). */
  readonly token?: () => string;
  /** Gets a new access token with the refresh token (rotated on every use). */
  readonly refresh?: () => Promise<string>;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** The HTTP origin of a ws:// or wss:// URL. */
export function httpOrigin(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url.origin;
}

async function post(url: string, body: unknown): Promise<Tokens> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new ChatExit('failed', `cannot reach ${url}${cause ? `: ${cause}` : ''}`);
  }
  const json = (await res.json().catch(() => ({}))) as Partial<Tokens> & { message?: unknown; error?: unknown };
  if (!res.ok) {
    const why = typeof json.message === 'string' ? json.message : `HTTP ${res.status}`;
    throw new ChatExit('failed', `sign-in refused: ${why}`);
  }
  if (typeof json.accessToken !== 'string' || typeof json.refreshToken !== 'string') {
    throw new ChatExit('failed', `unexpected answer from ${url}`);
  }
  return { accessToken: json.accessToken, refreshToken: json.refreshToken };
}

/** What to hand the SDK for this kind of sign-in; logs in first for --user. */
export async function credentials(auth: ChatAuth, wsUrl: string): Promise<Credentials> {
  if (auth.kind === 'guest') return {};
  if (auth.kind === 'token') return { token: () => auth.token };
  const origin = httpOrigin(wsUrl);
  let tokens = await post(`${origin}/api/auth/login`, { username: auth.user, password: auth.password });
  return {
    token: () => tokens.accessToken,
    refresh: async () => {
      tokens = await post(`${origin}/api/auth/refresh`, { refreshToken: tokens.refreshToken });
      return tokens.accessToken;
    },
  };
}
