/**
 * The SQLite accounts and sessions (migrations 001, 003, 005, 014): guest sessions, accounts, login
 * sessions, refresh tokens. Synchronous: SqliteStore runs the writes inside its group commit.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { UserRef } from '../../../protocol/index.ts';
import type { Account, NewAccount, RefreshResult } from '../accounts.ts';

interface AccountRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
  display_name: string | null;
}

interface RefreshRow {
  user_id: string;
  session_id: string;
  expires_at: number;
  revoked_at: number | null;
  /** Of its login session (migration 005). */
  ended_at: number | null;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  ...(r.display_name === null ? {} : { displayName: r.display_name }),
});

/** Tokens are stored only as their SHA-256. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export class SqliteAccounts {
  readonly #db: Database.Database;
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#stmt = {
      userById: db.prepare<[string], { user_id: string; nick: string }>(
        'SELECT user_id, nick FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1',
      ),
      insertSession: db.prepare('INSERT INTO sessions (token_hash, user_id, nick, created_at) VALUES (?, ?, ?, ?)'),
      findSession: db.prepare<[string], { user_id: string; nick: string }>(
        'SELECT user_id, nick FROM sessions WHERE token_hash = ?',
      ),
      insertAccount: db.prepare(
        'INSERT INTO accounts (id, username, username_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      accountByKey: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE username_key = ?'),
      accountById: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?'),
      setDisplayName: db.prepare('UPDATE accounts SET display_name = ? WHERE id = ?'),
      insertRefresh: db.prepare(
        'INSERT INTO refresh_tokens (token_hash, user_id, created_at, expires_at, session_id) VALUES (?, ?, ?, ?, ?)',
      ),
      findRefresh: db.prepare<[string], RefreshRow>(
        `SELECT t.user_id, t.session_id, t.expires_at, t.revoked_at, s.ended_at
           FROM refresh_tokens t JOIN login_sessions s ON s.id = t.session_id WHERE t.token_hash = ?`,
      ),
      revokeRefresh: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL'),
      insertLoginSession: db.prepare('INSERT INTO login_sessions (id, user_id, created_at) VALUES (?, ?, ?)'),
      endLoginSession: db.prepare<[number, string], { id: string }>(
        'UPDATE login_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL RETURNING id',
      ),
      endUserLoginSessions: db.prepare<[number, string], { id: string }>(
        'UPDATE login_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL RETURNING id',
      ),
      revokeSessionRefresh: db.prepare(
        'UPDATE refresh_tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL',
      ),
      revokeUserRefresh: db.prepare(
        'UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
      ),
      loginSessionLive: db.prepare<[string], { one: number }>(
        'SELECT 1 AS one FROM login_sessions WHERE id = ? AND ended_at IS NULL',
      ),
    };
  }

  findUser(userId: string): UserRef | undefined {
    const row = this.#stmt.userById.get(userId);
    if (row) return { id: row.user_id, nick: row.nick };
    const account = this.getAccount(userId);
    return account && { id: account.id, nick: account.username };
  }

  createSession(user: UserRef, token: string = randomBytes(24).toString('base64url')): string {
    this.#stmt.insertSession.run(hashToken(token), user.id, user.nick, Date.now());
    return token;
  }

  findSession(token: string): UserRef | undefined {
    const row = this.#stmt.findSession.get(hashToken(token));
    return row && { id: row.user_id, nick: row.nick };
  }

  createAccount(account: NewAccount): Account | undefined {
    const { id, username, passwordHash } = account;
    const info = this.#stmt.insertAccount.run(id, username, username.toLowerCase(), passwordHash, Date.now());
    return info.changes === 1 ? this.getAccount(id) : undefined;
  }

  findAccount(username: string): Account | undefined {
    const row = this.#stmt.accountByKey.get(username.toLowerCase());
    return row && toAccount(row);
  }

  getAccount(id: string): Account | undefined {
    const row = this.#stmt.accountById.get(id);
    return row && toAccount(row);
  }

  setDisplayName(userId: string, name: string | undefined): boolean {
    return this.#stmt.setDisplayName.run(name ?? null, userId).changes === 1;
  }

  createLoginSession(userId: string, refreshToken: string, expiresAt: number): string {
    const id = randomBytes(12).toString('base64url');
    const now = Date.now();
    this.#db.transaction(() => {
      this.#stmt.insertLoginSession.run(id, userId, now);
      this.#stmt.insertRefresh.run(hashToken(refreshToken), userId, now, expiresAt, id);
    })();
    return id;
  }

  rotateRefreshToken(token: string, next: string, expiresAt: number, now = Date.now()): RefreshResult {
    return this.#db.transaction((): RefreshResult => {
      const row = this.#stmt.findRefresh.get(hashToken(token));
      if (!row || row.ended_at !== null) return { status: 'invalid' };
      if (row.revoked_at !== null) {
        // A rotated token came back: it may have been stolen. End every login of this user.
        return { status: 'replayed', userId: row.user_id, ended: this.#endUserSessions(row.user_id, now) };
      }
      if (row.expires_at <= now) return { status: 'invalid' };
      this.#stmt.revokeRefresh.run(now, hashToken(token));
      this.#stmt.insertRefresh.run(hashToken(next), row.user_id, now, expiresAt, row.session_id);
      return { status: 'rotated', userId: row.user_id, sessionId: row.session_id };
    })();
  }

  endLoginSessions(refreshToken: string, all = false, now = Date.now()): string[] {
    return this.#db.transaction((): string[] => {
      const row = this.#stmt.findRefresh.get(hashToken(refreshToken));
      if (!row) return [];
      if (all) return this.#endUserSessions(row.user_id, now);
      const ended = this.#stmt.endLoginSession.all(now, row.session_id).map((r) => r.id);
      this.#stmt.revokeSessionRefresh.run(now, row.session_id);
      return ended;
    })();
  }

  /** Ends every live login session of the user and revokes all of the user's refresh tokens. */
  #endUserSessions(userId: string, now: number): string[] {
    const ended = this.#stmt.endUserLoginSessions.all(now, userId).map((r) => r.id);
    this.#stmt.revokeUserRefresh.run(now, userId);
    return ended;
  }

  loginSessionActive(sessionId: string): boolean {
    return this.#stmt.loginSessionLive.get(sessionId) !== undefined;
  }
}
