/** The `reply` of a send: it must name a message (text, image or file) of the same room. */
import { isWrittenKind } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

/** True when `reply` is absent or names a message; otherwise sends `reply_not_found` and returns false. */
export async function checkReply(
  conn: ConnectionPort,
  frame: { readonly id: string; readonly room: string; readonly reply?: number | undefined },
): Promise<boolean> {
  if (frame.reply === undefined) return true;
  const target = await conn.ctx.store.message(frame.room, frame.reply);
  // A deleted message may still be replied to: the quote shows it as deleted.
  if (target && isWrittenKind(target.event.kind)) return true;
  conn.error('reply_not_found', frame.id, `There is no message ${frame.reply} in "${frame.room}" to reply to`);
  return false;
}
