import type { ConnectionPort } from '../core/connection-port.ts';

/** Rejects blank and too long message bodies with an error frame; true when the body is fine. */
export function checkBody(conn: ConnectionPort, id: string, body: string): boolean {
  if (body.trim().length === 0) {
    conn.error('body_empty', id);
    return false;
  }
  const max = conn.ctx.options.maxBodyChars;
  if ([...body].length > max) {
    conn.error('body_too_long', id, `Message body is longer than ${max} characters`);
    return false;
  }
  return true;
}
