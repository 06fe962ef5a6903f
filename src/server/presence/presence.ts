/**
 * Presence: who is online, nickname claims, who is in which room, and each user's status over
 * all of their connections. Ephemeral, never logged ("last seen" is kept by the Store).
 */
import type { UserRef, UserState } from '../../protocol/index.ts';

/** What one connection reports: `idle` when its user gave no input for a while or its tab is hidden. */
export type Activity = 'active' | 'idle';

/** A user with at least one connection counted by `activity`, and their aggregate state. */
export interface Holder {
  readonly user: UserRef;
  readonly state: Exclude<UserState, 'offline'>;
}

/**
 * Connections a Presence engine dropped behind the node's back (another node died and was purged
 * here, or this node's entries came back after Redis lost them): the rooms whose online list
 * changed, and each affected user's state now. The node turns them into presence frames and
 * status changes.
 */
export interface PresenceLapse {
  readonly rooms: readonly string[];
  readonly users: readonly { readonly user: UserRef; readonly state: UserState }[];
}

export interface Presence {
  /**
   * Counts one more connection of this user. False when another user holds the nickname
   * (compared case-insensitively) on an open connection.
   */
  connect(user: UserRef): Promise<boolean>;
  disconnect(user: UserRef): Promise<void>;
  /** Counts one more connection of the user in the room; true when the user was not there before. */
  enter(room: string, user: UserRef): Promise<boolean>;
  /** True when the user's last connection left the room. */
  exit(room: string, user: UserRef): Promise<boolean>;
  online(room: string): Promise<UserRef[]>;
  /** The user's display name changed: their entry in the room, if any, holds `user` from now on. */
  rename?(room: string, user: UserRef): Promise<void>;
  /** How many users `online` would list, without listing them. */
  count(room: string): Promise<number>;
  /**
   * A connection (`conn`: unique across nodes) of the user reports its activity; the first report
   * counts it. Returns the user's state after: online when any connection is active, else away.
   */
  activity(user: UserRef, conn: string, activity: Activity): Promise<UserState>;
  /** The connection is gone. Returns the user's state after: offline once it was the last one. */
  release(user: UserRef, conn: string): Promise<UserState>;
  /** The users among these ids that have a connection; the others are offline. */
  holders(userIds: readonly string[]): Promise<Map<string, Holder>>;
  /**
   * Hears lapses (engines whose entries can vanish without a call here: across nodes); returns
   * the unsubscribe. Absent on a single-process engine.
   */
  watch?(listener: (lapse: PresenceLapse) => void): () => void;
}
