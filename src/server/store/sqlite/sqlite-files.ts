/** The SQLite file records (migration 006): uploads' metadata; the bytes are in a FileStorage. */
import type Database from 'better-sqlite3';
import type { StoredFile } from '../file-records.ts';

interface FileRow {
  id: string;
  room: string;
  uploader_id: string;
  name: string;
  size: number;
  type: string;
  width: number | null;
  height: number | null;
  thumb: number;
  created_at: number;
}

const toFile = (r: FileRow): StoredFile => ({
  id: r.id,
  name: r.name,
  size: r.size,
  type: r.type,
  ...(r.width === null || r.height === null ? {} : { width: r.width, height: r.height }),
  ...(r.thumb ? { thumb: true } : {}),
  room: r.room,
  uploaderId: r.uploader_id,
  createdAt: r.created_at,
});

/** Synchronous: SqliteStore runs the writes inside its group commit. */
export class SqliteFiles {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      insert: db.prepare(
        'INSERT INTO files (id, room, uploader_id, name, size, type, width, height, thumb, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare<[string], FileRow>('SELECT * FROM files WHERE id = ?'),
      delete: db.prepare('DELETE FROM files WHERE id = ?'),
    };
  }

  createFile(f: StoredFile): void {
    const dims = f.width !== undefined && f.height !== undefined ? [f.width, f.height] : [null, null];
    this.#stmt.insert.run(f.id, f.room, f.uploaderId, f.name, f.size, f.type, ...dims, f.thumb ? 1 : 0, f.createdAt);
  }

  getFile(id: string): StoredFile | undefined {
    const row = this.#stmt.get.get(id);
    return row && toFile(row);
  }

  deleteFile(id: string): boolean {
    return this.#stmt.delete.run(id).changes === 1;
  }
}
