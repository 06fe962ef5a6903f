/**
 * Browser storage. The last nickname is remembered across visits (localStorage); the session
 * token lives in sessionStorage, so a reload stays the same user while two tabs are two users.
 * Unsent messages are in IndexedDB under the login's outbox scope, saved next to the token.
 * Storage can be unavailable (private mode, disabled cookies): every access is best-effort.
 */

const LAST_NICK = 'parley.lastNick';
const SESSION = 'parley.session';
const ROOM = 'parley.room';

export interface SavedSession {
  readonly nick: string;
  readonly session: string;
  /** The user id the session belongs to. */
  readonly user?: string;
  /** The IndexedDB outbox scope of this login. */
  readonly scope?: string;
  /** The last user-log seq this tab had: a reload replays the user events after it. */
  readonly userSeq?: number;
}

/** IndexedDB database of unsent messages (one scope per login). */
export const OUTBOX_DB = 'parley-outbox';

/**
 * A new login's outbox scope. Minted before the first welcome (the token does not exist yet,
 * but what is typed in this page life must already be stored), then saved with the token.
 */
export function newOutboxScope(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function get(store: () => Storage, key: string): string | null {
  try {
    return store().getItem(key);
  } catch {
    return null;
  }
}

function set(store: () => Storage, key: string, value: string | null): void {
  try {
    if (value === null) store().removeItem(key);
    else store().setItem(key, value);
  } catch {
    // Storage full or disabled: the app works without it.
  }
}

const local = (): Storage => window.localStorage;
const session = (): Storage => window.sessionStorage;

export function lastNick(): string {
  return get(local, LAST_NICK) ?? '';
}

export function rememberNick(nick: string): void {
  set(local, LAST_NICK, nick);
}

export function savedSession(): SavedSession | undefined {
  const raw = get(session, SESSION);
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null) {
      const { nick, session: token, user, scope, userSeq } = parsed as Record<string, unknown>;
      if (typeof nick === 'string' && typeof token === 'string' && nick && token) {
        return {
          nick,
          session: token,
          ...(typeof user === 'string' && user ? { user } : {}),
          ...(typeof scope === 'string' && scope ? { scope } : {}),
          ...(typeof userSeq === 'number' && Number.isSafeInteger(userSeq) && userSeq >= 0 ? { userSeq } : {}),
        };
      }
    }
  } catch {
    // Corrupt entry: forget it.
  }
  set(session, SESSION, null);
  return undefined;
}

export function saveSession(value: SavedSession | null): void {
  set(session, SESSION, value === null ? null : JSON.stringify(value));
}

export function savedRoom(): string | undefined {
  return get(session, ROOM) ?? undefined;
}

export function saveRoom(room: string): void {
  set(session, ROOM, room);
}

const AUTH = 'parley.auth';

/** The tokens of a signed-in account (POST /api/auth/login). */
export interface SavedAuth {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: { readonly id: string; readonly nick: string };
}

/**
 * Both tokens live in sessionStorage: a reload stays signed in, closing the tab signs out, and
 * nothing outlives the tab. The trade-off: a script running in this page could read them (an
 * httpOnly cookie could not be read, but would need CSRF defences and a cookie-aware WebSocket
 * handshake). The CSP and rendering all data as text are the defence; refresh tokens rotate, and
 * a stolen one that is used twice revokes them all.
 */
export function savedAuth(): SavedAuth | undefined {
  const raw = get(session, AUTH);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<SavedAuth> | null;
    const user = parsed?.user;
    if (
      typeof parsed?.accessToken === 'string' &&
      typeof parsed.refreshToken === 'string' &&
      typeof user?.id === 'string' &&
      typeof user.nick === 'string'
    ) {
      return {
        accessToken: parsed.accessToken,
        refreshToken: parsed.refreshToken,
        user: { id: user.id, nick: user.nick },
      };
    }
  } catch {
    // Corrupt entry: forget it.
  }
  set(session, AUTH, null);
  return undefined;
}

export function saveAuth(value: SavedAuth | null): void {
  set(session, AUTH, value === null ? null : JSON.stringify(value));
}
