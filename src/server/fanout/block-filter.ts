/**
 * Blocking's filter on status (presence, last seen): a user's status is not told to the people
 * they block, and `who` leaves out those who block the asker (docs/protocol.md, _Blocking_).
 * Read from the store, so it holds on every node.
 */
import type { BlockStore } from '../store/blocks.ts';

export type BlockReads = Pick<BlockStore, 'blocked' | 'blockers'>;

/** `ids` without the users who block `viewer`. */
export async function notBlocking(store: BlockReads, viewer: string, ids: readonly string[]): Promise<string[]> {
  const others = ids.filter((id) => id !== viewer);
  const blockers = others.length === 0 ? [] : await store.blockers(viewer, others);
  if (blockers.length === 0) return [...ids];
  const hidden = new Set(blockers);
  return ids.filter((id) => !hidden.has(id));
}

/** `recipients` without the users `userId` blocks. */
export async function notBlocked(store: BlockReads, userId: string, recipients: readonly string[]): Promise<string[]> {
  const blocked = await store.blocked(userId);
  if (blocked.length === 0) return [...recipients];
  const hidden = new Set(blocked.map((u) => u.id));
  return recipients.filter((id) => !hidden.has(id));
}
