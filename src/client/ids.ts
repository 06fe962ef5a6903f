/** Client-generated ids: request ids and send idempotency keys. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 21 url-safe characters (126 random bits): unique enough to be an idempotency key forever. */
export function newId(size = 21): string {
  const bytes = new Uint8Array(size);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  // 64 symbols divide 256 evenly, so masking keeps the distribution uniform.
  for (const b of bytes) id += ALPHABET[b & 63];
  return id;
}
