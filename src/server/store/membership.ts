/** The membership port: who is in a room, with which role, and who is banned (written by appends only). */
import type { Member, RoomRole } from '../../protocol/index.ts';

export interface MemberPage {
  /** The owner first (when a member), then by join time. */
  readonly members: Member[];
  readonly more: boolean;
  /** How many members the room has now (all of them, `more` or not). */
  readonly total: number;
}

export interface MembershipStore {
  /** `owner` for the room's owner (member or not), else the member's role; undefined for non-members. */
  roleOf(room: string, userId: string): Promise<RoomRole | undefined>;
  isBanned(room: string, userId: string): Promise<boolean>;
  isMember(room: string, userId: string): Promise<boolean>;
  /** The room's members with their roles, at most `limit`. */
  members(room: string, limit: number): Promise<MemberPage>;
}
