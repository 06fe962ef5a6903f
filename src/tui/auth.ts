/** Signing in to an account for `parley chat`, through the SDK's accounts (src/client/accounts.ts). */
import { AccountError, Accounts, accountTokens, type AccountTokens } from '../client/index.ts';
import type { ChatAuth } from './args.ts';
import { ChatExit } from './exit.ts';

export interface Credentials {
  /** The access token, or a function returning the current one (after refreshes). */
  readonly token?: () => string;
  /** Gets a new access token with the refresh token (rotated on every use). */
  readonly refresh?: () => Promise<string>;
}

/** The HTTP origin of a ws:// or wss:// URL. */
export function httpOrigin(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url.origin;
}

/** An account request that failed, as the terminal says it. */
function exit(err: unknown): unknown {
  if (!(err instanceof AccountError)) return err;
  if (err.code === 'network')
    return new ChatExit('failed', `cannot reach ${err.url}${err.detail ? `: ${err.detail}` : ''}`);
  if (err.code === 'bad_response') return new ChatExit('failed', `unexpected answer from ${err.url}`);
  return new ChatExit('failed', `sign-in refused: ${err.message}`);
}

/** What to hand the SDK for this kind of sign-in; logs in first for --user. */
export async function credentials(auth: ChatAuth, wsUrl: string): Promise<Credentials> {
  if (auth.kind === 'guest') return {};
  if (auth.kind === 'token') return { token: () => auth.token };
  const accounts = new Accounts(httpOrigin(wsUrl));
  let tokens: AccountTokens = await accounts.login(auth.user, auth.password).catch((err: unknown) => {
    throw exit(err);
  });
  const { token, refresh } = accountTokens(accounts, { get: () => tokens, set: (next) => (tokens = next) });
  return {
    token,
    refresh: () =>
      refresh().catch((err: unknown) => {
        throw exit(err);
      }),
  };
}
