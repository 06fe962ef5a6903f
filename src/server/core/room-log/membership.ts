/** Who may join a room, and what a join or leave changes (docs/protocol.md, _Rooms_). */
import type { RoomRole } from '../../../protocol/index.ts';
import type { AppendInput } from '../../store/room-log.ts';
import type { Effect } from './plan.ts';
import type { PersonState, RoomState } from './state.ts';

/**
 * A banned user never; anyone a public room, or a private room they own; otherwise only its
 * members, and the people a DM is between, who may always come back (handlers/dm.ts). Decided in
 * the join's transaction, so a ban or kick racing a join always wins.
 */
export function mayJoin(room: RoomState, userId: string, person: PersonState): boolean {
  if (person.banned) return false;
  if (room.visibility !== 'private' || room.ownerId === userId) return true;
  return person.member || person.dmUser;
}

/**
 * The membership change of a `join` / `leave` by its sender; undefined when membership is
 * already as asked (nothing is appended: a re-join after a reconnect).
 */
export function membershipEffects(input: AppendInput, sender: PersonState): Effect[] | undefined {
  if (input.kind === 'join') return sender.member ? undefined : [{ kind: 'add_member', user: input.sender.id }];
  return sender.member ? [{ kind: 'remove_member', user: input.sender.id }] : undefined;
}

/** A user's role: `owner` for the room's owner, member or not (ownership outlives leaving), else the membership's. */
export function roleIn(
  ownerId: string | undefined,
  userId: string,
  memberRole: RoomRole | undefined,
): RoomRole | undefined {
  return ownerId === userId ? 'owner' : memberRole;
}
