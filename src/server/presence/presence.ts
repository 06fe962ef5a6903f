/** Presence: who is online, nickname claims, and who is in which room. Ephemeral, never logged. */
import type { UserRef } from '../../protocol/index.ts';

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
}
