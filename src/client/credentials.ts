/**
 * Who the client is to the server: the access token for each connection attempt (refreshed
 * when the server said it expired, or when a refused handshake used an expired one), and the
 * Authorization header for HTTP calls (files).
 */
import type { UserRef } from '../protocol/index.ts';
import { CLOSE } from '../protocol/codes.ts';
import { ClientError } from './errors.ts';
import { tokenExpired } from './token.ts';
import type { ClientOptions } from './types.ts';

export class Credentials {
  /** ClientOptions.token and .refresh (accounts). */
  readonly #source: ClientOptions['token'];
  readonly #refresh: (() => Promise<string>) | undefined;
  /** A token from refresh(), used for the next connection attempt. */
  #refreshed: string | undefined;
  /** Call refresh() before the next connection attempt. */
  #needRefresh = false;
  /** refresh() ran since the last welcome (a failed handshake refreshes at most once). */
  #refreshedInStreak = false;
  /** The token the current connection attempt was made with. */
  #lastToken: string | undefined;

  constructor(source: ClientOptions['token'], refresh: (() => Promise<string>) | undefined) {
    this.#source = source;
    this.#refresh = refresh;
  }

  /** Whether the next attempt must first get a token; without one it connects as a guest at once. */
  get needed(): boolean {
    return this.#source !== undefined || this.#refreshed !== undefined || this.#needRefresh;
  }

  /** The token for this attempt: refreshed when asked to, else the latest refreshed or configured one. */
  async accessToken(): Promise<string> {
    if (this.#needRefresh && this.#refresh) {
      this.#needRefresh = false;
      this.#refreshedInStreak = true;
      this.#refreshed = await this.#refresh();
    }
    const refreshed = this.#refreshed;
    if (refreshed !== undefined) {
      // A function source is asked again next time (the app stores the new token); a string is replaced.
      if (typeof this.#source === 'function') this.#refreshed = undefined;
      return refreshed;
    }
    const source = this.#source;
    return typeof source === 'function' ? await source() : (source ?? '');
  }

  /** The attempt now opening uses `token`. */
  using(token: string | undefined): void {
    this.#lastToken = token;
  }

  welcomed(): void {
    this.#refreshedInStreak = false;
  }

  /**
   * A connection ended with `code` (`opened`: it got past the handshake). Returns whether it
   * ended for an expired token that refresh() can renew.
   */
  dropped(code: number, opened: boolean): boolean {
    // token_expired: refresh, then reconnect at once. A refused handshake (a browser sees only
    // 1006) with a token that looks expired also refreshes, once per run of failures.
    const expired = code === CLOSE.token_expired && this.#refresh !== undefined;
    if (expired) this.#needRefresh = true;
    else if (!opened && this.#refresh && this.#lastToken !== undefined) {
      const stale = tokenExpired(this.#lastToken);
      if (stale === true || (stale === undefined && !this.#refreshedInStreak)) this.#needRefresh = true;
    }
    return expired;
  }

  /** Who we are over HTTP: the account's current access token, or the guest's session from welcome. */
  async authorization(user: UserRef | undefined, session: string | undefined): Promise<string> {
    if (this.#source !== undefined) {
      const source = this.#source;
      let token = typeof source === 'function' ? await source() : (this.#refreshed ?? this.#lastToken ?? source);
      if (tokenExpired(token) === true && this.#refresh) {
        token = await this.#refresh();
        if (typeof source !== 'function') this.#refreshed = token;
      }
      return `Bearer ${token}`;
    }
    if (!user || session === undefined) {
      throw new ClientError('disconnected', 'Not connected yet: files need the session from welcome', true);
    }
    return `Session ${session}`;
  }
}
