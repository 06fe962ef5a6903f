/** Who may join a room, and what a join or leave changes (docs/protocol.md, _Rooms_). */
import type { RoomRole } from '../../../protocol/index.ts';
import type { AppendInput } from '../../store/room-log.ts';
import type { AppendDecision, Effect } from './plan.ts';
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

/**
 * A join or leave in a large room (handlers/join.ts decides `quiet`): the membership and the
 * user's own `member` / `unmember` entry are written, no room event (docs/protocol.md, _Large
 * rooms_), so the other members are not sent one per join. The entry's `ref` is the head the
 * membership starts after (or ends at); a joiner's read watermark starts there.
 */
export function quietMembership(input: AppendInput, head: number, effects: Effect[], now: number): AppendDecision {
  const joins = input.kind === 'join';
  const base = { room: input.room, cause: input.kind, ref: head };
  return {
    status: 'quiet',
    room: input.room,
    effects: joins ? [...effects, { kind: 'set_read', user: input.sender.id, seq: head }] : effects,
    userLog: [{ user: input.sender.id, event: { ...base, kind: joins ? 'member' : 'unmember' } }],
    now,
  };
}

/** A user's role: `owner` for the room's owner, member or not (ownership outlives leaving), else the membership's. */
export function roleIn(
  ownerId: string | undefined,
  userId: string,
  memberRole: RoomRole | undefined,
): RoomRole | undefined {
  return ownerId === userId ? 'owner' : memberRole;
}
