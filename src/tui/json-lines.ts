/** `--tail` output: one JSON object per line, for jq and friends. */
import type { RoomEvent } from '../client/index.ts';

/**
 * JSON.stringify escapes C0 controls but leaves DEL, the C1 controls (U+009B is an 8-bit CSI)
 * and the line separators raw; escape them too, so the output is safe on a terminal as well.
 */
const RAW_UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;

export function toJsonLine(event: RoomEvent): string {
  return JSON.stringify(event).replace(RAW_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
