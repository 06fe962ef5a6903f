/**
 * profile: set or clear your display name (docs/protocol.md, _Display names_). Accounts only: a
 * guest's nickname is all it has. The name is validated by the schema (display_name_invalid);
 * stored, then every node hears it (core/name-book.ts). Answered with `profile`.
 */
import type { ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { withName } from '../core/name-book.ts';

export async function profile(conn: ConnectionPort, frame: ClientFrameOf<'profile'>): Promise<void> {
  const user = conn.user;
  if (!user) return;
  const { store } = conn.ctx;
  const name = frame.name === '' ? undefined : frame.name;
  // A guest (or an id without an account) is refused before anything is written.
  if (user.guest || !(await store.setDisplayName(user.id, name))) {
    conn.error('account_required', frame.id, 'Only accounts have a display name; create an account to set one');
    return;
  }
  const next = withName(user, name);
  conn.user = next;
  conn.send({ type: 'profile', ...(frame.id === undefined ? {} : { id: frame.id }), user: next });
  conn.ctx.names.changed(next, await store.roomPeers(user.id), conn.id);
  conn.ctx.log.info({ user: user.id, cleared: name === undefined }, 'display name set');
}
