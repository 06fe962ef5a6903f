/** The PostgreSQL part of the blocks port (migration 003). */
import type { UserRef } from '../../../protocol/index.ts';
import type { BlockStore } from '../blocks.ts';
import type { PgDb } from './postgres-db.ts';
import { userRef } from './postgres-rows.ts';

export class PgBlocks implements BlockStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async block(blocker: string, blocked: UserRef): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      'INSERT INTO blocks (blocker, blocked, nick, ts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [blocker, blocked.id, blocked.nick, Date.now()],
    );
    return (rowCount ?? 0) > 0;
  }

  async unblock(blocker: string, blocked: string): Promise<boolean> {
    const { rowCount } = await this.#db.query('DELETE FROM blocks WHERE blocker = $1 AND blocked = $2', [
      blocker,
      blocked,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async blocked(blocker: string): Promise<UserRef[]> {
    const { rows } = await this.#db.query<{ blocked: string; nick: string; account: boolean; name: string | null }>(
      `SELECT b.blocked, b.nick, a.id IS NOT NULL AS account, a.display_name AS name
         FROM blocks b LEFT JOIN accounts a ON a.id = b.blocked WHERE b.blocker = $1 ORDER BY b.ts, b.blocked`,
      [blocker],
    );
    return rows.map((r) => userRef(r.blocked, r.nick, r.account, r.name));
  }

  async blockers(userId: string, among: readonly string[]): Promise<string[]> {
    if (among.length === 0) return [];
    const { rows } = await this.#db.query<{ blocker: string }>(
      'SELECT blocker FROM blocks WHERE blocked = $1 AND blocker = ANY ($2::text[])',
      [userId, [...new Set(among)]],
    );
    return rows.map((r) => r.blocker);
  }

  async blockedBy(userId: string): Promise<string[]> {
    const { rows } = await this.#db.query<{ blocker: string }>('SELECT blocker FROM blocks WHERE blocked = $1', [
      userId,
    ]);
    return rows.map((r) => r.blocker);
  }
}
