/** typing: forwarded to the room's other subscribers, throttled per user and room, never stored. */
import { TYPING_THROTTLE_MS, type ClientFrameOf, type TypingFrame } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';

export function typing(conn: Connection, frame: ClientFrameOf<'typing'>): void {
  const user = conn.user;
  const cursor = conn.rooms.get(frame.room);
  if (!user || !cursor) return; // Ephemeral: not worth an error frame.
  const now = Date.now();
  if (frame.on && now - cursor.typingAt < TYPING_THROTTLE_MS) return;
  cursor.typingAt = frame.on ? now : 0;
  const out: TypingFrame = { type: 'typing', room: frame.room, user, on: frame.on };
  conn.ctx.hub.broadcast(frame.room, JSON.stringify(out), conn);
}
