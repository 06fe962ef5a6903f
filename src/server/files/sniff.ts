/**
 * What an upload is, decided from its first bytes (magic numbers via `file-type`), never from
 * the client's Content-Type or file name. Text without magic is `text/plain`, except text that
 * starts like markup, which is named `text/html` / `image/svg+xml` so the allow-list refuses it.
 */
import { fileTypeFromBuffer } from 'file-type';

/** Bytes read before deciding (file-type needs at most this many). */
export const SNIFF_BYTES = 4100;

/** Raster images a browser decodes as pixels only: the only types served `inline`. */
export const INLINE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Images the server measures and thumbnails. */
export const IMAGE_TYPES = INLINE_TYPES;

export const UNKNOWN_TYPE = 'application/octet-stream';

export async function sniffType(head: Uint8Array): Promise<string> {
  const detected = await fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES));
  return detected?.mime ?? textType(head.subarray(0, SNIFF_BYTES));
}

function textType(head: Uint8Array): string {
  if (head.includes(0)) return UNKNOWN_TYPE;
  let text: string;
  try {
    // stream: true tolerates a character cut at the end of the sniffed window.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return UNKNOWN_TYPE;
  }
  const start = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 1024)
    .toLowerCase();
  // Browsers sniff a leading tag as HTML; a polyglot must never pass as plain text.
  if (start.startsWith('<')) return /<svg[\s>/]/.test(start) ? 'image/svg+xml' : 'text/html';
  return 'text/plain';
}
