/**
 * The account session of this browser, shared by its tabs (docs/web.md, _Sessions_). The refresh
 * token is an HttpOnly cookie the server sets (page scripts never see it); the access token lives
 * in memory, shared over the tab channel. Refresh tokens are single-use and a reused one ends the
 * session, so refreshes from several tabs run one at a time under a Web Lock: the next tab sends
 * the cookie the previous refresh rotated, or takes the token it broadcast.
 */
import { AccountError, Accounts, type AccessGrant } from '../../src/client/index.ts';
import { errorText } from './format.ts';
import { t } from './i18n/index.ts';
import { accountHint, saveAccountHint, type AccountHint } from './storage.ts';
import { onTabs, tellTabs } from './tab-guard.ts';

export class AuthApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** With `rate_limited` (HTTP 429): how long to wait before trying again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const accounts = new Accounts();

/** The newest access token of this browser's account: memory only. */
let current: AccessGrant | undefined;
/** When `current` arrived: its lifetime says when it is due for a refresh. */
let receivedAt = 0;
/** Told when this browser's account session ends (signed out here or in another tab, or revoked). */
const endListeners = new Set<(user: string, why: 'signed-out' | 'ended') => void>();

/** A token is refreshed before use with less than this left (or a third of its life, if shorter). */
const FRESH_MS = 60_000;

function fresh(grant: AccessGrant | undefined): grant is AccessGrant {
  if (!grant) return false;
  const now = Date.now();
  return grant.expiresAt - now > Math.min(FRESH_MS, (grant.expiresAt - receivedAt) / 3);
}

function keep(grant: AccessGrant): void {
  current = grant;
  receivedAt = Date.now();
}
/** Given to the client while the server cannot be reached: refused, so it retries with backoff. */
const UNAVAILABLE = 'unavailable';

function adopt(grant: AccessGrant): void {
  if (!current || current.user.id !== grant.user.id || grant.expiresAt >= current.expiresAt) keep(grant);
}

function end(user: string, why: 'signed-out' | 'ended'): void {
  current = undefined;
  if (accountHint()?.id === user) saveAccountHint(null);
  for (const fn of [...endListeners]) fn(user, why);
}

onTabs((msg) => {
  if (msg.type === 'access') adopt(msg.grant);
  else if (msg.type === 'signed-out' && (current?.user.id === msg.user || accountHint()?.id === msg.user)) {
    end(msg.user, 'signed-out');
  }
});

/** The SDK's error in the page's words. */
function localized(err: unknown): unknown {
  if (!(err instanceof AccountError)) return err;
  if (err.code === 'network') return new AuthApiError('network', t('login.network'));
  if (err.code === 'bad_response') return new AuthApiError('bad_response', t('login.badResponse'));
  const fallback = err.detail ?? t('login.httpStatus', { status: err.status });
  return new AuthApiError(err.code, errorText({ code: err.code, message: fallback }), err.retryAfterMs);
}

/**
 * Signs in or creates the account (with `guestSession`, the guest becomes it: same user, rooms and
 * DMs); every tab of this browser learns of it.
 */
export async function signIn(
  mode: 'signin' | 'register',
  username: string,
  password: string,
  guestSession?: string,
): Promise<AccountHint> {
  let grant: AccessGrant;
  try {
    grant = await accounts.cookieSignIn(mode === 'signin' ? 'login' : 'register', username, password, guestSession);
  } catch (err) {
    throw localized(err);
  }
  keep(grant);
  saveAccountHint(grant.user);
  tellTabs({ type: 'access', grant });
  return grant.user;
}

/** Runs `fn` while no other tab of this browser refreshes (Web Locks; alone where unsupported). */
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? locks.request('parley.refresh', fn) : fn();
}

/**
 * A new access token. `stale`: the one being replaced — when another tab has already replaced it,
 * that tab's token is used and nothing is refreshed. A refused cookie ends the session in every
 * tab (and throws); an unreachable server answers a placeholder the client retries past.
 */
export function refreshAccess(stale = current?.accessToken): Promise<string> {
  return exclusive(async () => {
    if (fresh(current) && current.accessToken !== stale) return current.accessToken;
    let grant: AccessGrant;
    try {
      grant = await accounts.cookieRefresh();
    } catch (err) {
      if (err instanceof AccountError && err.code === 'refresh_invalid') {
        const user = current?.user.id ?? accountHint()?.id ?? '';
        tellTabs({ type: 'signed-out', user });
        end(user, 'ended');
        throw new AuthApiError('refresh_invalid', t('login.sessionEnded'));
      }
      return UNAVAILABLE;
    }
    keep(grant);
    if (accountHint()?.nick !== grant.user.nick) saveAccountHint(grant.user);
    tellTabs({ type: 'access', grant });
    return grant.accessToken;
  });
}

/** The access token for a connection or an upload: the current one while fresh, else a new one. */
export async function accessToken(): Promise<string> {
  if (fresh(current)) return current.accessToken;
  return refreshAccess();
}

/** The client's token options for the signed-in account. */
export function signedInTokens(): { token: () => Promise<string>; refresh: () => Promise<string> } {
  // On 4410 the connection's token has expired: a fresh one another tab got meanwhile will do.
  return { token: accessToken, refresh: accessToken };
}

/** Signs this browser out: the server ends the session (its sockets close), every tab leaves. */
export async function signOut(): Promise<void> {
  const user = current?.user.id ?? accountHint()?.id;
  await accounts.cookieLogout().catch(() => undefined);
  if (user === undefined) return;
  tellTabs({ type: 'signed-out', user });
  end(user, 'signed-out');
}

/** Tells `fn` when this browser's account session ends; returns the function that stops. */
export function onSessionEnd(fn: (user: string, why: 'signed-out' | 'ended') => void): () => void {
  endListeners.add(fn);
  return () => endListeners.delete(fn);
}

/** Whether the server lets guests in; true when it cannot be asked (the handshake decides). */
export function guestsAllowed(): Promise<boolean> {
  return accounts.guestsAllowed();
}
