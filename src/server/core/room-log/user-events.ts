/**
 * The user-log projection: which user-log entries a room event causes. The engine appends them in
 * the event's own transaction (decide-append.ts puts them in the plan), so a membership and its
 * user event are never one without the other. A new membership-changing kind adds its case here
 * and nothing else.
 */
import type { RoomEvent, UserEvent } from '../../../protocol/index.ts';

/** A user event before the engine gives it its seq and time. */
export type UserEventInput = Omit<UserEvent, 'seq' | 'ts'>;

export interface UserEventFor {
  /** Whose log it goes to. */
  readonly user: string;
  readonly event: UserEventInput;
  /** The user became a member: their read watermark starts at this event (nothing before it is unread). */
  readonly startsWatermark: boolean;
}

/**
 * Only called for appended events, which for membership kinds means membership changed, except a
 * ban, which is also appended for a non-member: `targetWasMember` tells.
 */
export function userEventsFor(e: RoomEvent, targetWasMember = true): UserEventFor[] {
  const base = { room: e.room, cause: e.kind, ref: e.seq };
  switch (e.kind) {
    case 'join':
      return [{ user: e.sender.id, event: { ...base, kind: 'member' }, startsWatermark: true }];
    case 'leave':
      return [{ user: e.sender.id, event: { ...base, kind: 'unmember' }, startsWatermark: false }];
    case 'invite':
      return e.target
        ? [{ user: e.target.id, event: { ...base, kind: 'member', by: e.sender }, startsWatermark: true }]
        : [];
    case 'kick':
    case 'ban':
      return e.target && targetWasMember
        ? [{ user: e.target.id, event: { ...base, kind: 'unmember', by: e.sender }, startsWatermark: false }]
        : [];
    default:
      return [];
  }
}
