/**
 * block, unblock, blocks: whom you block (docs/protocol.md, _Blocking_). Durable in the store;
 * each change goes to every node (core/block-book.ts). Answered with `blocks`, the whole list.
 * block and unblock are writes: the write rate limits apply (limits/user-limits.ts).
 */
import { BLOCKS_MAX, type ClientFrameOf, type UserRef } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { findTarget } from './moderate.ts';

export async function block(conn: ConnectionPort, frame: ClientFrameOf<'block'>): Promise<void> {
  const user = conn.user;
  if (!user) return;
  if (frame.user === user.id) {
    conn.error('block_invalid', frame.id, 'You cannot block yourself');
    return;
  }
  const target = await findTarget(conn, frame.user);
  if (!target) {
    conn.error('user_unknown', frame.id, `No user with id "${frame.user}"`);
    return;
  }
  const { store } = conn.ctx;
  const before = await store.blocked(user.id);
  if (before.some((u) => u.id === target.id)) {
    conn.send({ type: 'blocks', id: frame.id, users: before });
    return;
  }
  if (before.length >= BLOCKS_MAX) {
    conn.error('block_invalid', frame.id, `You can block at most ${BLOCKS_MAX} people; unblock someone first`);
    return;
  }
  await store.block(user.id, { id: target.id, nick: target.nick });
  await answer(conn, frame.id, user, target, true);
}

export async function unblock(conn: ConnectionPort, frame: ClientFrameOf<'unblock'>): Promise<void> {
  const user = conn.user;
  if (!user) return;
  const { store } = conn.ctx;
  // Unknown or not blocked: nothing changes, the answer is the list (idempotent).
  const target = (await store.blocked(user.id)).find((u) => u.id === frame.user);
  if (!target || !(await store.unblock(user.id, target.id))) {
    conn.send({ type: 'blocks', id: frame.id, users: await store.blocked(user.id) });
    return;
  }
  await answer(conn, frame.id, user, target, false);
}

export async function blocks(conn: ConnectionPort, frame: ClientFrameOf<'blocks'>): Promise<void> {
  const user = conn.user;
  if (!user) return;
  conn.send({ type: 'blocks', id: frame.id, users: await conn.ctx.store.blocked(user.id) });
}

/** The list after a change: to this request, and to every node (the user's other connections, the other user's view). */
async function answer(conn: ConnectionPort, id: string, user: UserRef, changed: UserRef, on: boolean): Promise<void> {
  const users = await conn.ctx.store.blocked(user.id);
  conn.ctx.blocks.changed(user, users, changed, on);
  conn.ctx.log.info({ user: user.id, other: changed.id, on }, on ? 'user blocked' : 'user unblocked');
  conn.send({ type: 'blocks', id, users });
}
