/**
 * Browser storage (docs/web.md, _Sessions_). No account credential is kept here: the refresh
 * token is an HttpOnly cookie and the access token lives in memory (auth-api.ts). localStorage
 * keeps the last guest nickname and which account this browser is signed in as (a hint, so every
 * tab and a restarted browser know to ask for an access token). sessionStorage keeps what is this
 * tab's own: the guest session token (a guest ends with its last tab), the outbox scope, the last
 * user-log seq and the open room. Unsent messages are in IndexedDB under the outbox scope.
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
  /** The session of an account's connection: never resumed as a guest. */
  readonly account?: boolean;
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
      const { nick, session: token, user, scope, userSeq, account } = parsed as Record<string, unknown>;
      if (typeof nick === 'string' && typeof token === 'string' && nick && token) {
        return {
          nick,
          session: token,
          ...(typeof user === 'string' && user ? { user } : {}),
          ...(typeof scope === 'string' && scope ? { scope } : {}),
          ...(typeof userSeq === 'number' && Number.isSafeInteger(userSeq) && userSeq >= 0 ? { userSeq } : {}),
          ...(account === true ? { account } : {}),
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

const ACCOUNT = 'parley.account';
/** Where versions before cookie sessions kept both tokens (sessionStorage): removed on sight. */
const LEGACY_AUTH = 'parley.auth';

/** The account this browser is signed in as: who, never a credential. */
export interface AccountHint {
  readonly id: string;
  readonly nick: string;
}

export function accountHint(): AccountHint | undefined {
  set(session, LEGACY_AUTH, null);
  const raw = get(local, ACCOUNT);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<AccountHint> | null;
    if (typeof parsed?.id === 'string' && parsed.id && typeof parsed.nick === 'string' && parsed.nick) {
      return { id: parsed.id, nick: parsed.nick };
    }
  } catch {
    // Corrupt entry: forget it.
  }
  set(local, ACCOUNT, null);
  return undefined;
}

export function saveAccountHint(value: AccountHint | null): void {
  set(local, ACCOUNT, value === null ? null : JSON.stringify({ id: value.id, nick: value.nick }));
}
