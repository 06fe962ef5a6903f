/**
 * What an engine reads, inside an append's transaction and before anything is written, for the
 * core to decide the append (decide-append.ts). The engine must hold what it read until commit
 * (SQLite: one write transaction; a server database: the room's row locked), so `seq = head + 1`
 * and every check stays true until the write lands.
 */
import type { RoomEvent, RoomRole, RoomVisibility, UserRef } from '../../../protocol/index.ts';

export interface RoomState {
  readonly visibility: RoomVisibility;
  /** The creator, owner even when not a member; none for a DM or a default room. */
  readonly ownerId?: string;
  /** seq of the newest event (0 for an empty log). */
  readonly head: number;
  readonly title: string;
  /** '' when none. */
  readonly topic: string;
}

/** One user's standing in the room. */
export interface PersonState {
  readonly member: boolean;
  readonly banned: boolean;
  /** The membership's role (`member` or `moderator`; ownership is RoomState `ownerId`); only for members. */
  readonly role?: RoomRole;
  /** One of the people the room (a DM) was opened between. */
  readonly dmUser: boolean;
}

/** One of the people a DM was opened between, as recorded then, with their standing now. */
export interface DmPerson {
  readonly user: UserRef;
  readonly member: boolean;
  readonly banned: boolean;
}

/** Which parts of AppendState an append needs (appendNeeds): the engine reads only those. */
export interface AppendNeeds {
  /** `prior`: the input has a cid. */
  readonly prior: boolean;
  /** `sender`: a join or leave. */
  readonly sender: boolean;
  /** `target`: a moderation event. */
  readonly target: boolean;
  /** `dmPeople`: a written message to a DM name. */
  readonly dmPeople: boolean;
}

export interface AppendState {
  /** undefined: there is no such room. */
  readonly room: RoomState | undefined;
  /** The event this sender stored under the input's cid, if any (read when `needs.prior`). */
  readonly prior?: RoomEvent | undefined;
  /** The sender's standing (read when `needs.sender`). */
  readonly sender?: PersonState | undefined;
  /** The target's standing (read when `needs.target`). */
  readonly target?: PersonState | undefined;
  /** The people of a DM, any order; empty for a room that is not one (read when `needs.dmPeople`). */
  readonly dmPeople?: readonly DmPerson[] | undefined;
}
