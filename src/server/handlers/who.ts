/** who: the presence of users who share a room with you; others are silently left out. */
import type { ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

export async function who(conn: ConnectionPort, frame: ClientFrameOf<'who'>): Promise<void> {
  const user = conn.user;
  if (!user) return;
  const users = await conn.ctx.statuses.who(user, frame.users);
  conn.send({ type: 'status', id: frame.id, users });
}
