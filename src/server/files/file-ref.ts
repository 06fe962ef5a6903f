/** The public part of an upload's metadata: what messages carry and clients see. */
import { cleanText, LIMITS, type FileRef } from '../../protocol/index.ts';
import type { StoredFile } from '../store/store.ts';

export function toFileRef(f: StoredFile): FileRef {
  return {
    id: f.id,
    name: f.name,
    size: f.size,
    type: f.type,
    ...(f.width !== undefined && f.height !== undefined ? { width: f.width, height: f.height } : {}),
    ...(f.thumb ? { thumb: true } : {}),
  };
}

/** The uploader's file name as shown: text only, no directories, bounded; never a path on disk. */
export function cleanFileName(raw: string | null): string {
  const base = cleanText(raw ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/\s+/g, ' ')
    .trim();
  const name = [...base].slice(0, LIMITS.fileNameMax).join('').trim();
  return name || 'file';
}
