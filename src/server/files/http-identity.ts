/**
 * Who makes an HTTP file request: the same identities as the WebSocket. An account sends its
 * access token (`Authorization: Bearer <jwt>`); a guest sends the `session` token from its
 * `welcome` (`Authorization: Session <token>`). An account's session token is not accepted:
 * accounts use the short-lived access token, so logout ends their access within its lifetime.
 */
import type { IncomingMessage } from 'node:http';
import type { UserRef } from '../../protocol/index.ts';
import type { AccessTokens } from '../auth/tokens.ts';
import type { AccountStore } from '../store/accounts.ts';

const AUTHORIZATION = /^(bearer|session)\s+([\w.~+/=-]{1,4096})$/i;

export async function httpUser(
  req: IncomingMessage,
  tokens: AccessTokens,
  store: Pick<AccountStore, 'findSession' | 'getAccount'>,
  guests: boolean,
): Promise<UserRef | undefined> {
  const m = AUTHORIZATION.exec((req.headers.authorization ?? '').trim());
  if (!m) return undefined;
  const [, scheme = '', token = ''] = m;
  if (scheme.toLowerCase() === 'bearer') return (await tokens.verify(token))?.user;
  if (!guests) return undefined;
  const user = await store.findSession(token);
  if (!user || (await store.getAccount(user.id))) return undefined;
  return user;
}
