/**
 * Room names of direct messages (docs/protocol.md, _Direct messages_): the server derives them
 * (src/server/handlers/dm-names.ts) with these prefixes, and `create` refuses them to everyone.
 */

/** A 1:1 direct message: `dm-` and a digest of the two user ids. */
export const DM_PREFIX = 'dm-';
/** A group direct message: `gdm-` and a digest of the opener and the request. */
export const GROUP_DM_PREFIX = 'gdm-';

/** Whether `room` names a direct message (1:1 or group), whether or not it exists. */
export const isDmName = (room: string): boolean => room.startsWith(DM_PREFIX) || room.startsWith(GROUP_DM_PREFIX);
