/** Register, log in, refresh and log out: the account rules, independent of HTTP. */
import { nanoid } from 'nanoid';
import * as v from 'valibot';
import { nickSchema, type ErrorCode, type UserRef } from '../../protocol/index.ts';
import type { AccountStore } from '../store/accounts.ts';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { newRefreshToken, type AccessTokens } from './tokens.ts';

export interface Grant {
  readonly accessToken: string;
  /** When the access token expires, ms since the epoch. */
  readonly expiresAt: number;
  readonly refreshToken: string;
  readonly user: UserRef;
}

export type AuthResult =
  | { readonly ok: true; readonly grant: Grant }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

const fail = (code: ErrorCode, message: string): AuthResult => ({ ok: false, code, message });

/** The same answer for an unknown user and a wrong password: no user enumeration by message. */
const BAD_CREDENTIALS = 'Wrong username or password';
const GUEST_UNKNOWN = 'The guest session is unknown or already belongs to an account';
const REFRESH_INVALID = 'The refresh token is unknown, expired or already used';

/** Told the ids of login sessions that were just ended, so their open sockets can be closed. */
export type SessionsEnded = (sessionIds: readonly string[]) => void;

export class Accounts {
  readonly #store: AccountStore;
  readonly #tokens: AccessTokens;
  readonly #refreshTtlMs: number;
  readonly #ended: SessionsEnded;

  constructor(store: AccountStore, tokens: AccessTokens, refreshTtlMs: number, ended: SessionsEnded = () => {}) {
    this.#store = store;
    this.#tokens = tokens;
    this.#refreshTtlMs = refreshTtlMs;
    this.#ended = ended;
  }

  /**
   * With `guestSession`, the guest of that session becomes the account: same user id, so its rooms,
   * DMs and history stay its own. The guest session then no longer resumes (handlers/hello.ts).
   */
  async register(rawUsername: string, password: string, guestSession?: string): Promise<AuthResult> {
    const parsed = v.safeParse(nickSchema, rawUsername);
    if (!parsed.success) {
      return fail('username_invalid', `Invalid username: ${parsed.issues[0].message}`);
    }
    const username = parsed.output;
    const problem = passwordProblem(password, username);
    if (problem) return fail('password_invalid', problem);
    let id = nanoid();
    if (guestSession !== undefined) {
      const guest = await this.#store.findSession(guestSession);
      // Unknown, or already an account: nothing to keep (an account's session is not a guest).
      if (!guest || (await this.#store.getAccount(guest.id))) return fail('session_unknown', GUEST_UNKNOWN);
      id = guest.id;
    }
    if (await this.#store.findAccount(username)) return fail('username_taken', 'This username is taken');
    const account = await this.#store.createAccount({
      id,
      username,
      passwordHash: await hashPassword(password),
    });
    // A concurrent registration may have won between the check and the insert.
    if (!account) return fail('username_taken', 'This username is taken');
    return { ok: true, grant: await this.#grant({ id: account.id, nick: account.username }) };
  }

  async login(username: string, password: string): Promise<AuthResult> {
    const account = v.is(nickSchema, username) ? await this.#store.findAccount(username.trim()) : undefined;
    // Unknown users are checked against a dummy hash, so both paths cost one scrypt.
    const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash()));
    if (!account || !ok) return fail('credentials_invalid', BAD_CREDENTIALS);
    return { ok: true, grant: await this.#grant({ id: account.id, nick: account.username }) };
  }

  /** Rotates the refresh token: the old one stops working, the answer carries a new pair. */
  async refresh(token: string): Promise<AuthResult> {
    const next = newRefreshToken();
    const result = await this.#store.rotateRefreshToken(token, next, Date.now() + this.#refreshTtlMs);
    // A replay ended every login of the user: their sockets go too.
    if (result.status === 'replayed') this.#ended(result.ended);
    const account = result.status === 'rotated' ? await this.#store.getAccount(result.userId) : undefined;
    if (!account || result.status !== 'rotated') return fail('refresh_invalid', REFRESH_INVALID);
    const user = { id: account.id, nick: account.username };
    const access = await this.#tokens.sign(user, result.sessionId);
    return { ok: true, grant: { accessToken: access.token, expiresAt: access.expiresAt, refreshToken: next, user } };
  }

  /**
   * Ends the login session the refresh token belongs to (with `all`, every session of its user):
   * refresh tokens, access tokens and open sockets. Idempotent: an unknown token is not an error.
   */
  async logout(token: string, all = false): Promise<void> {
    this.#ended(await this.#store.endLoginSessions(token, all));
  }

  async #grant(user: UserRef): Promise<Grant> {
    const refreshToken = newRefreshToken();
    const sessionId = await this.#store.createLoginSession(user.id, refreshToken, Date.now() + this.#refreshTtlMs);
    const access = await this.#tokens.sign(user, sessionId);
    return { accessToken: access.token, expiresAt: access.expiresAt, refreshToken, user };
  }
}
