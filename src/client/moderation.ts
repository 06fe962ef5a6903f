/**
 * Room authorization in the SDK: the moderation request frames and what a `removed` frame means.
 * The client sends these through requests.ts; subscription.ts forgets a room on `removed`.
 */
import type { AssignableRole, ClientFrameOf, ModerationKind, RemovedFrame, RoomVisibility } from '../protocol/index.ts';
import { ClientError } from './errors.ts';
import { newId } from './ids.ts';

export type ModerationFrame = ClientFrameOf<ModerationKind>;
export type ModerationAction = Exclude<ModerationKind, 'role'>;

export interface CreateRoomOptions {
  /** Default 'public'. A private room is visible only to its owner and invited members. */
  visibility?: RoomVisibility;
}

/** `user` is a user id (welcome.user.id, event.sender.id), never a nickname. The id is the idempotency key. */
export function moderationFrame(type: ModerationAction, room: string, user: string): ModerationFrame {
  return { type, id: newId(), room, user };
}

export function roleFrame(room: string, user: string, role: AssignableRole): ModerationFrame {
  return { type: 'role', id: newId(), room, user, role };
}

/** The error queued writes and join waiters of a room fail with after a kick or ban. */
export function removedError(frame: RemovedFrame): ClientError {
  const how = frame.reason === 'ban' ? 'banned from' : 'removed from';
  return new ClientError(
    frame.reason === 'ban' ? 'banned' : 'not_member',
    `You were ${how} "${frame.room}" by ${frame.by.nick}`,
    false,
  );
}
