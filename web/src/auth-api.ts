/**
 * The SDK's account calls (src/client/accounts.ts) for the sign-in screen: same origin as the
 * page, with failures worded in the page's language.
 */
import { AccountError, Accounts, accountTokens, type AccountTokens } from '../../src/client/index.ts';
import { errorText } from './format.ts';
import { t } from './i18n/index.ts';
import { saveAuth, savedAuth, type SavedAuth } from './storage.ts';

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

/** The SDK's error in the page's words. */
function localized(err: unknown): unknown {
  if (!(err instanceof AccountError)) return err;
  if (err.code === 'network') return new AuthApiError('network', t('login.network'));
  if (err.code === 'bad_response') return new AuthApiError('bad_response', t('login.badResponse'));
  const fallback = err.detail ?? t('login.httpStatus', { status: err.status });
  return new AuthApiError(err.code, errorText({ code: err.code, message: fallback }), err.retryAfterMs);
}

function call(op: Promise<AccountTokens>): Promise<SavedAuth> {
  return op.catch((err: unknown) => {
    throw localized(err);
  });
}

export function register(username: string, password: string): Promise<SavedAuth> {
  return call(accounts.register(username, password));
}

export function login(username: string, password: string): Promise<SavedAuth> {
  return call(accounts.login(username, password));
}

export function refresh(refreshToken: string): Promise<SavedAuth> {
  return call(accounts.refresh(refreshToken));
}

/**
 * Ends the login session (with `all`, every session of the account); best-effort (signing out
 * locally happens anyway).
 */
export async function logout(refreshToken: string, all = false): Promise<void> {
  await accounts.logout(refreshToken, all).catch(() => undefined);
}

/** Whether the server lets guests in; true when it cannot be asked (the handshake decides). */
export function guestsAllowed(): Promise<boolean> {
  return accounts.guestsAllowed();
}

/** The client's token options for the signed-in account (kept in sessionStorage, see storage.ts). */
export function signedInTokens(): { token: () => string; refresh: () => Promise<string> } {
  return accountTokens({ refresh }, { get: savedAuth, set: saveAuth });
}
