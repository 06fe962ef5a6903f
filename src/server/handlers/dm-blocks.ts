/** Blocking in a 1:1 DM: someone the other person blocks cannot post there (docs/protocol.md, _Blocking_). */
import { DM_PREFIX } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

/** True for a 1:1 DM, where a block stops posting. */
export const isDirect = (room: string): boolean => room.startsWith(DM_PREFIX);

/** False (and `blocked` answered to `id`) when the other person of this 1:1 DM blocks the user. */
export async function mayPost(conn: ConnectionPort, room: string, id: string): Promise<boolean> {
  const user = conn.user;
  if (!user) return false;
  const { store } = conn.ctx;
  const others = ((await store.getRoom(room))?.dm ?? []).map((u) => u.id).filter((u) => u !== user.id);
  if (others.length === 0 || (await store.blockers(user.id, others)).length === 0) return true;
  conn.error('blocked', id, 'This person does not accept messages from you');
  return false;
}
