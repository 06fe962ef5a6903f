/** The accounts and sessions port (src/server/auth/): accounts, guest sessions, login sessions and refresh tokens. */
import type { UserRef } from '../../protocol/index.ts';

/** A registered account. */
export interface Account {
  readonly id: string;
  /** As registered; unique case-insensitively. */
  readonly username: string;
  /** Self-describing password hash (scheme, parameters, salt, hash). */
  readonly passwordHash: string;
  readonly createdAt: number;
  /** The name shown beside the handle (migration 014); absent when none is set. */
  readonly displayName?: string;
}

export interface NewAccount {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
}

export type RefreshResult =
  | { readonly status: 'rotated'; readonly userId: string; readonly sessionId: string }
  /** Unknown, expired, or of an ended login session. */
  | { readonly status: 'invalid' }
  /**
   * An already-rotated token of a live session came back (it may have been stolen): every login
   * session of the user was ended. `ended`: the ids of those that were still live.
   */
  | { readonly status: 'replayed'; readonly userId: string; readonly ended: readonly string[] };

export interface AccountStore {
  /** The latest nickname a user id was seen with (from its sessions, else its account); undefined when unknown. */
  findUser(userId: string): Promise<UserRef | undefined>;
  /**
   * Returns the new session's token (`token` when given, else a random one); only its hash is
   * stored. The caller checks that a given token is unknown and random-looking.
   */
  createSession(user: UserRef, token?: string): Promise<string>;
  findSession(token: string): Promise<UserRef | undefined>;
  /** Creates the account; undefined when the username is taken (case-insensitively). */
  createAccount(account: NewAccount): Promise<Account | undefined>;
  /** By username, case-insensitively. */
  findAccount(username: string): Promise<Account | undefined>;
  getAccount(id: string): Promise<Account | undefined>;
  /**
   * Sets the account's display name (already validated), or clears it with undefined. False when
   * no account has this id (a guest).
   */
  setDisplayName(userId: string, name: string | undefined): Promise<boolean>;
  /**
   * Starts a login session (a refresh-token family) for the user with its first refresh token
   * (only its hash is stored), valid until `expiresAt` (ms). Returns the session id.
   */
  createLoginSession(userId: string, refreshToken: string, expiresAt: number): Promise<string>;
  /**
   * In one transaction: if `token` is valid (known, not revoked, not expired at `now`, its session
   * live) revoke it and store `next` in its place, in the same session. Presenting a token that was
   * already rotated while its session is live is a replay: it ends every login session of its user.
   */
  rotateRefreshToken(token: string, next: string, expiresAt: number, now?: number): Promise<RefreshResult>;
  /**
   * Ends the login session of `refreshToken` (any token the session ever had), or with `all` every
   * login session of its user, revoking their refresh tokens. Returns the ids this call ended
   * (empty for an unknown token or sessions already ended).
   */
  endLoginSessions(refreshToken: string, all?: boolean, now?: number): Promise<string[]>;
  /** True while the session exists and has not been ended (checked at every WebSocket upgrade). */
  loginSessionActive(sessionId: string): Promise<boolean>;
}
