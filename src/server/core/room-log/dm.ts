/**
 * Direct messages (docs/protocol.md, _Direct messages_): a DM is a private room without an owner,
 * between the people it was opened for. Opening it makes only the opener a member; a written
 * message to it first makes each of its people who is not a member one again ("reaching" them:
 * an `invite` from the writer, committed with the message), so the message is theirs to read.
 */
import { isDmName, isWrittenKind, type UserRef } from '../../../protocol/index.ts';
import type { AppendInput, CreateRoomOptions } from '../../store/room-log.ts';
import type { DmPerson } from './state.ts';

/** How a DM room is created. */
export const DM_ROOM: CreateRoomOptions = { visibility: 'private' };

/** Only written messages to DM names can have people to reach. */
export const reachesDmPeople = (input: AppendInput): boolean => isWrittenKind(input.kind) && isDmName(input.room);

/** Code point order, as SQL's BINARY collation orders UTF-8 text. */
const byCodePoint = (a: string, b: string): number => {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
};

/**
 * Whom a message from `writerId` reaches: the DM's people who are not members, by nickname then
 * id. A banned person is left out (a DM has no moderators today, but a ban always wins).
 */
export function dmOutsiders(people: readonly DmPerson[], writerId: string): UserRef[] {
  return people
    .filter((p) => !p.member && !p.banned && p.user.id !== writerId)
    .map((p) => p.user)
    .sort((a, b) => byCodePoint(a.nick, b.nick) || byCodePoint(a.id, b.id));
}

/**
 * Opening a DM whose name was already a room: the opener's DM to re-open when they are one of
 * its people, else the name is taken (a room created before DM names were reserved): nothing is done.
 */
export const dmTaken = (created: boolean, openerIsDmUser: boolean): boolean => !created && !openerIsDmUser;
