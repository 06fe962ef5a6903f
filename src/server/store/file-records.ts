/** The file-records port: uploads' metadata (src/server/files/); the bytes live in a FileStorage. */
import type { FileRef } from '../../protocol/index.ts';

/** An upload's metadata. */
export interface StoredFile extends FileRef {
  readonly room: string;
  readonly uploaderId: string;
  readonly createdAt: number;
}

export interface FileRecords {
  /** Records an upload whose bytes are already stored. */
  createFile(file: StoredFile): Promise<void>;
  getFile(id: string): Promise<StoredFile | undefined>;
  /** Forgets an upload's metadata (events that carry it keep their copy); false when unknown. */
  deleteFile(id: string): Promise<boolean>;
}
