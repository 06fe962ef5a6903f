/** Opening the SQLite file: WAL, durable commits, and the numbered migrations (migrations/). */
import { readdirSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** `migrate: false` for a second connection to a file another one already migrated (the store worker's). */
export function openSqlite(file: string, { migrate: run = true } = {}): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a commit survives power loss, which is what "durable before ack" promises.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (run) migrate(db);
  return db;
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort();
  for (const file of files) {
    const version = Number.parseInt(file, 10);
    if (version <= current) continue;
    const sql = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
