/**
 * Accounts over HTTP (docs/protocol.md, _Accounts and tokens_): register, sign in, refresh and
 * sign out, whether guests may connect, and the `token` / `refresh` options a client needs for
 * a signed-in account. The web app and the terminal client both sign in through this.
 */
import type { UserRef } from '../protocol/index.ts';
import { ClientError } from './errors.ts';

export interface AccountTokens {
  readonly accessToken: string;
  /** Single-use: every refresh answers with a new one, to keep instead. */
  readonly refreshToken: string;
  readonly user: UserRef;
}

/** A refused or failed account request. */
export class AccountError extends ClientError {
  readonly url: string;
  /** The HTTP status; 0 when no answer came (code `network`). */
  readonly status: number;
  /** The server's own message, or why the server could not be reached; absent when neither said. */
  readonly detail: string | undefined;
  /** With `rate_limited` (HTTP 429): how long to wait before trying again. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    at: { url: string; status: number; detail?: string; retryAfterMs?: number },
  ) {
    super(code, message, at.status === 0 || at.status === 429 || at.status >= 500);
    this.name = 'AccountError';
    this.url = at.url;
    this.status = at.status;
    this.detail = at.detail;
    this.retryAfterMs = at.retryAfterMs;
  }
}

export class Accounts {
  readonly #base: string;

  /** `base`: the server's HTTP origin (http://localhost:8080); '' for the page's own origin. */
  constructor(base = '') {
    this.#base = base.replace(/\/$/, '');
  }

  async register(username: string, password: string): Promise<AccountTokens> {
    return toTokens(await this.#post('/api/auth/register', { username, password }));
  }

  async login(username: string, password: string): Promise<AccountTokens> {
    return toTokens(await this.#post('/api/auth/login', { username, password }));
  }

  /** New tokens for the refresh token; the old one stops working. */
  async refresh(refreshToken: string): Promise<AccountTokens> {
    return toTokens(await this.#post('/api/auth/refresh', { refreshToken }));
  }

  /** Ends the login session (with `all`, every session of the account); its sockets close with 4411. */
  async logout(refreshToken: string, all = false): Promise<void> {
    await this.#post('/api/auth/logout', all ? { refreshToken, all } : { refreshToken });
  }

  /**
   * Browser sign-in (docs/protocol.md, _Cookie sessions_): the server keeps the refresh token in an
   * HttpOnly cookie the page cannot read; the answer carries only the access token. With
   * `guestSession` (register only) that guest becomes the account, keeping its user id.
   */
  async cookieSignIn(
    mode: 'login' | 'register',
    username: string,
    password: string,
    guestSession?: string,
  ): Promise<AccessGrant> {
    const body = { username, password, cookie: true, ...(guestSession === undefined ? {} : { guestSession }) };
    return toAccess(await this.#post(`/api/auth/${mode}`, body));
  }

  /** A new access token from the cookie's refresh token (which the server rotates). */
  async cookieRefresh(): Promise<AccessGrant> {
    return toAccess(await this.#post('/api/auth/refresh', {}));
  }

  /** Ends the cookie's login session (with `all`, every session of the account) and clears the cookie. */
  async cookieLogout(all = false): Promise<void> {
    await this.#post('/api/auth/logout', all ? { all } : {});
  }

  /** Whether the server lets guests in; true when it cannot be asked (the handshake decides). */
  async guestsAllowed(): Promise<boolean> {
    try {
      const res = await fetch(`${this.#base}/api/config`);
      const json = (await res.json()) as { guests?: unknown };
      return json.guests !== false;
    } catch {
      return true;
    }
  }

  async #post(path: string, body: unknown): Promise<Answer> {
    const url = `${this.#base}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (err) {
      // Node's fetch says only "fetch failed"; the cause says why (ECONNREFUSED…).
      const cause = (err as { cause?: { message?: unknown } }).cause?.message;
      const detail = typeof cause === 'string' ? cause : undefined;
      throw new AccountError('network', `Cannot reach ${url}${detail ? `: ${detail}` : ''}`, {
        url,
        status: 0,
        ...(detail ? { detail } : {}),
      });
    }
    const json = (await res.json().catch(() => ({}))) as { error?: unknown; message?: unknown; retryAfterMs?: unknown };
    if (!res.ok) {
      const code = typeof json.error === 'string' ? json.error : 'http_error';
      const detail = typeof json.message === 'string' ? json.message : undefined;
      const wait = typeof json.retryAfterMs === 'number' && json.retryAfterMs > 0 ? json.retryAfterMs : undefined;
      throw new AccountError(code, detail ?? `HTTP ${res.status}`, {
        url,
        status: res.status,
        ...(detail === undefined ? {} : { detail }),
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      });
    }
    return { json, url, status: res.status };
  }
}

interface Answer {
  readonly json: unknown;
  readonly url: string;
  readonly status: number;
}

function toTokens({ json, url, status }: Answer): AccountTokens {
  const g = json as Partial<AccountTokens>;
  if (typeof g.accessToken !== 'string' || typeof g.refreshToken !== 'string' || !g.user) {
    throw new AccountError('bad_response', `Unexpected answer from ${url}`, { url, status });
  }
  return { accessToken: g.accessToken, refreshToken: g.refreshToken, user: { id: g.user.id, nick: g.user.nick } };
}

/** A cookie sign-in's answer: no refresh token (the browser keeps it, out of the page's reach). */
export interface AccessGrant {
  readonly accessToken: string;
  /** When the access token expires, ms since the epoch. */
  readonly expiresAt: number;
  readonly user: UserRef;
}

function toAccess({ json, url, status }: Answer): AccessGrant {
  const g = json as Partial<AccessGrant>;
  if (typeof g.accessToken !== 'string' || typeof g.expiresAt !== 'number' || typeof g.user?.id !== 'string') {
    throw new AccountError('bad_response', `Unexpected answer from ${url}`, { url, status });
  }
  return { accessToken: g.accessToken, expiresAt: g.expiresAt, user: { id: g.user.id, nick: String(g.user.nick) } };
}

/** Where a signed-in account's tokens are kept between refreshes (a variable, sessionStorage…). */
export interface TokenStore {
  /** Undefined once signed out. */
  get(): AccountTokens | undefined;
  set(tokens: AccountTokens): void;
}

/**
 * ClientOptions.token and .refresh for a signed-in account: each refresh rotates the stored pair.
 * Signed out meanwhile (the store is empty): both throw, and the client stops with `auth`
 * rather than connect as a guest.
 */
export function accountTokens(
  accounts: Pick<Accounts, 'refresh'>,
  store: TokenStore,
): { token: () => string; refresh: () => Promise<string> } {
  const current = (): AccountTokens => {
    const tokens = store.get();
    if (!tokens) throw new Error('signed out');
    return tokens;
  };
  return {
    token: () => current().accessToken,
    refresh: async () => {
      const next = await accounts.refresh(current().refreshToken);
      store.set(next);
      return next.accessToken;
    },
  };
}
