/** typing: forwarded to the room's other subscribers, throttled per user and room, never stored. */
import type { ClientFrameOf, TypingFrame } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

export function typing(conn: ConnectionPort, frame: ClientFrameOf<'typing'>): void {
  const { user, ctx } = conn;
  const { room } = frame;
  if (!user || !conn.rooms.has(room)) return; // Ephemeral: not worth an error frame.
  // Called now or, for a change the throttle held back, from a timer (rate-limit.ts TypingThrottle).
  const send = (on: boolean): void => {
    // A held `on` whose connection has left the room meanwhile has nothing to show.
    if (on && (conn.closing || !conn.rooms.has(room))) return;
    const out: TypingFrame = { type: 'typing', room, user, on };
    try {
      // Not to the people the user blocks (core/block-book.ts); screened on every node too.
      ctx.hub.broadcast(room, JSON.stringify(out), conn, ctx.blocks.hiddenFrom(user.id), undefined, true);
    } catch (err) {
      ctx.log.error({ conn: conn.id, room, err }, 'typing signal failed');
    }
  };
  ctx.userLimits.typing.signal(user.id, room, frame.on, send);
}
