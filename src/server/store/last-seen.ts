/** The last-seen port (presence that survives restarts) and who may see a user's status. */
import type { UserRef } from '../../protocol/index.ts';

/** When a user's last connection closed, and the nickname they had then. */
export interface LastSeen {
  readonly user: UserRef;
  readonly ts: number;
}

export interface LastSeenStore {
  /** Ids of the users who share at least one room membership with the user (not the user): who sees their presence. */
  roomPeers(userId: string): Promise<string[]>;
  /** The user's last connection closed at `ts` (kept across restarts). */
  setLastSeen(user: UserRef, ts: number): Promise<void>;
  /** Many users' last seen in one write (a shutdown's thousands: one commit, not one each). */
  setLastSeenMany(seen: readonly LastSeen[]): Promise<void>;
  /** Last seen times of those of these users that have one. */
  lastSeen(userIds: readonly string[]): Promise<Map<string, LastSeen>>;
}
