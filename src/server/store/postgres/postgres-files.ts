/** The PostgreSQL file records: uploads' metadata; the bytes are in a FileStorage. */
import type { FileRecords, StoredFile } from '../file-records.ts';
import type { PgDb } from './postgres-db.ts';

interface FileRow {
  id: string;
  room: string;
  uploader_id: string;
  name: string;
  size: number;
  type: string;
  width: number | null;
  height: number | null;
  thumb: boolean;
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

export class PgFiles implements FileRecords {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async createFile(f: StoredFile): Promise<void> {
    const dims = f.width !== undefined && f.height !== undefined ? [f.width, f.height] : [null, null];
    await this.#db.query(
      'INSERT INTO files (id, room, uploader_id, name, size, type, width, height, thumb, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [f.id, f.room, f.uploaderId, f.name, f.size, f.type, ...dims, f.thumb === true, f.createdAt],
    );
  }

  async getFile(id: string): Promise<StoredFile | undefined> {
    const { rows } = await this.#db.query<FileRow>('SELECT * FROM files WHERE id = $1', [id]);
    return rows[0] && toFile(rows[0]);
  }

  async deleteFile(id: string): Promise<boolean> {
    return ((await this.#db.query('DELETE FROM files WHERE id = $1', [id])).rowCount ?? 0) === 1;
  }
}
