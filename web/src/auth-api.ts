/** The server's account API (docs/protocol.md, "Accounts and tokens"), same origin as the page. */
import { errorText } from './format.ts';
import { t } from './i18n/index.ts';
import type { SavedAuth } from './storage.ts';

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

async function post(path: string, body: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new AuthApiError('network', t('login.network'));
  }
  const json = (await res.json().catch(() => ({}))) as { error?: unknown; message?: unknown; retryAfterMs?: unknown };
  if (!res.ok) {
    const code = typeof json.error === 'string' ? json.error : 'http';
    const fallback = typeof json.message === 'string' ? json.message : t('login.httpStatus', { status: res.status });
    const message = errorText({ code, message: fallback });
    const wait = typeof json.retryAfterMs === 'number' && json.retryAfterMs > 0 ? json.retryAfterMs : undefined;
    throw new AuthApiError(code, message, wait);
  }
  return json;
}

function toAuth(json: unknown): SavedAuth {
  const g = json as Partial<SavedAuth>;
  if (typeof g.accessToken !== 'string' || typeof g.refreshToken !== 'string' || !g.user) {
    throw new AuthApiError('bad_response', t('login.badResponse'));
  }
  return { accessToken: g.accessToken, refreshToken: g.refreshToken, user: { id: g.user.id, nick: g.user.nick } };
}

export async function register(username: string, password: string): Promise<SavedAuth> {
  return toAuth(await post('/api/auth/register', { username, password }));
}

export async function login(username: string, password: string): Promise<SavedAuth> {
  return toAuth(await post('/api/auth/login', { username, password }));
}

export async function refresh(refreshToken: string): Promise<SavedAuth> {
  return toAuth(await post('/api/auth/refresh', { refreshToken }));
}

/**
 * Ends the login session (with `all`, every session of the account); best-effort (signing out
 * locally happens anyway).
 */
export async function logout(refreshToken: string, all = false): Promise<void> {
  await post('/api/auth/logout', all ? { refreshToken, all } : { refreshToken }).catch(() => undefined);
}

/** Whether the server lets guests in; true when it cannot be asked (the handshake decides). */
export async function guestsAllowed(): Promise<boolean> {
  try {
    const res = await fetch('/api/config');
    const json = (await res.json()) as { guests?: unknown };
    return json.guests !== false;
  } catch {
    return true;
  }
}
