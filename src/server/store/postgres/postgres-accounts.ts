/** The PostgreSQL accounts and sessions: guest sessions, accounts, login sessions, refresh tokens. */
import { createHash, randomBytes } from 'node:crypto';
import type { UserRef } from '../../../protocol/index.ts';
import type { Account, AccountStore, NewAccount, RefreshResult } from '../accounts.ts';
import type { PgDb, Queryable } from './postgres-db.ts';

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
  ended_at: number | null;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  ...(r.display_name === null ? {} : { displayName: r.display_name }),
});

/** Tokens are stored only as their SHA-256 (as the SQLite engine does). */
const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

const ACCOUNT = 'SELECT id, username, password_hash, created_at, display_name FROM accounts';
const INSERT_REFRESH =
  'INSERT INTO refresh_tokens (token_hash, user_id, created_at, expires_at, session_id) VALUES ($1, $2, $3, $4, $5)';
/** The token's row with its login session's end, the token row locked: one rotation at a time. */
const FIND_REFRESH = `SELECT t.user_id, t.session_id, t.expires_at, t.revoked_at, s.ended_at
  FROM refresh_tokens t JOIN login_sessions s ON s.id = t.session_id WHERE t.token_hash = $1 FOR UPDATE OF t`;

export class PgAccounts implements AccountStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async findUser(userId: string): Promise<UserRef | undefined> {
    const { rows } = await this.#db.query<{ user_id: string; nick: string }>(
      'SELECT user_id, nick FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1',
      [userId],
    );
    if (rows[0]) return { id: rows[0].user_id, nick: rows[0].nick };
    const account = await this.getAccount(userId);
    return account && { id: account.id, nick: account.username };
  }

  async createSession(user: UserRef, token: string = randomBytes(24).toString('base64url')): Promise<string> {
    await this.#db.query('INSERT INTO sessions (token_hash, user_id, nick, created_at) VALUES ($1, $2, $3, $4)', [
      hashToken(token),
      user.id,
      user.nick,
      Date.now(),
    ]);
    return token;
  }

  async findSession(token: string): Promise<UserRef | undefined> {
    const { rows } = await this.#db.query<{ user_id: string; nick: string }>(
      'SELECT user_id, nick FROM sessions WHERE token_hash = $1',
      [hashToken(token)],
    );
    return rows[0] && { id: rows[0].user_id, nick: rows[0].nick };
  }

  async createAccount(account: NewAccount): Promise<Account | undefined> {
    const { id, username, passwordHash } = account;
    const { rows } = await this.#db.query<AccountRow>(
      `INSERT INTO accounts (id, username, username_key, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING id, username, password_hash, created_at, display_name`,
      [id, username, username.toLowerCase(), passwordHash, Date.now()],
    );
    return rows[0] && toAccount(rows[0]);
  }

  async setDisplayName(userId: string, name: string | undefined): Promise<boolean> {
    const { rowCount } = await this.#db.query('UPDATE accounts SET display_name = $1 WHERE id = $2', [
      name ?? null,
      userId,
    ]);
    return rowCount === 1;
  }

  async findAccount(username: string): Promise<Account | undefined> {
    const { rows } = await this.#db.query<AccountRow>(`${ACCOUNT} WHERE username_key = $1`, [username.toLowerCase()]);
    return rows[0] && toAccount(rows[0]);
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const { rows } = await this.#db.query<AccountRow>(`${ACCOUNT} WHERE id = $1`, [id]);
    return rows[0] && toAccount(rows[0]);
  }

  async createLoginSession(userId: string, refreshToken: string, expiresAt: number): Promise<string> {
    const id = randomBytes(12).toString('base64url');
    const now = Date.now();
    await this.#db.tx(async (c) => {
      await c.query('INSERT INTO login_sessions (id, user_id, created_at) VALUES ($1, $2, $3)', [id, userId, now]);
      await c.query(INSERT_REFRESH, [hashToken(refreshToken), userId, now, expiresAt, id]);
    });
    return id;
  }

  rotateRefreshToken(token: string, next: string, expiresAt: number, now = Date.now()): Promise<RefreshResult> {
    return this.#db.tx(async (c): Promise<RefreshResult> => {
      const row = (await c.query<RefreshRow>(FIND_REFRESH, [hashToken(token)])).rows[0];
      if (!row || row.ended_at !== null) return { status: 'invalid' };
      if (row.revoked_at !== null) {
        // A rotated token came back: it may have been stolen. End every login of this user.
        return { status: 'replayed', userId: row.user_id, ended: await endUserSessions(c, row.user_id, now) };
      }
      if (row.expires_at <= now) return { status: 'invalid' };
      await c.query('UPDATE refresh_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL', [
        now,
        hashToken(token),
      ]);
      await c.query(INSERT_REFRESH, [hashToken(next), row.user_id, now, expiresAt, row.session_id]);
      return { status: 'rotated', userId: row.user_id, sessionId: row.session_id };
    });
  }

  endLoginSessions(refreshToken: string, all = false, now = Date.now()): Promise<string[]> {
    return this.#db.tx(async (c): Promise<string[]> => {
      const row = (await c.query<RefreshRow>(FIND_REFRESH, [hashToken(refreshToken)])).rows[0];
      if (!row) return [];
      if (all) return endUserSessions(c, row.user_id, now);
      const ended = await c.query<{ id: string }>(
        'UPDATE login_sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL RETURNING id',
        [now, row.session_id],
      );
      await c.query('UPDATE refresh_tokens SET revoked_at = $1 WHERE session_id = $2 AND revoked_at IS NULL', [
        now,
        row.session_id,
      ]);
      return ended.rows.map((r) => r.id);
    });
  }

  async loginSessionActive(sessionId: string): Promise<boolean> {
    const { rows } = await this.#db.query('SELECT 1 FROM login_sessions WHERE id = $1 AND ended_at IS NULL', [
      sessionId,
    ]);
    return rows.length > 0;
  }
}

/** Ends every live login session of the user and revokes all of the user's refresh tokens. */
async function endUserSessions(c: Queryable, userId: string, now: number): Promise<string[]> {
  const ended = await c.query<{ id: string }>(
    'UPDATE login_sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL RETURNING id',
    [now, userId],
  );
  await c.query('UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL', [now, userId]);
  return ended.rows.map((r) => r.id);
}
