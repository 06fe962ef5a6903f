/**
 * send of kind `image` or `file`: the upload must exist, be this user's and belong to this room;
 * its metadata is copied into the event, so live and replayed copies carry it. `body` is an
 * optional caption.
 */
import type { ClientFrameOf, UserRef } from '../../protocol/index.ts';
import { commitAndAck } from '../core/commit.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { toFileRef } from '../files/file-ref.ts';

export async function sendFile(conn: ConnectionPort, frame: ClientFrameOf<'send'>, user: UserRef): Promise<void> {
  const { id, room, kind, body } = frame;
  if (kind === 'text' || frame.file === undefined) {
    const message =
      kind === 'text'
        ? 'A text message carries no file; send kind "image" or "file"'
        : `A ${kind} message needs "file": the id of an upload`;
    conn.error('bad_frame', id, message);
    return;
  }
  const max = conn.ctx.options.maxBodyChars;
  if ([...body].length > max) {
    conn.error('body_too_long', id, `The caption is longer than ${max} characters`);
    return;
  }
  const stored = await conn.ctx.store.getFile(frame.file);
  // Someone else's upload, or one for another room, is answered exactly like a missing one.
  if (!stored || stored.room !== room || stored.uploaderId !== user.id) {
    conn.error('file_not_found', id, `No upload "${frame.file}" of yours in "${room}"`);
    return;
  }
  if (kind === 'image' && !stored.thumb) {
    conn.error('file_type_not_allowed', id, `${stored.type} is not an image; send it as kind "file"`);
    return;
  }
  // Kicked while the lookup ran: the room is gone from this connection.
  if (!conn.rooms.has(room)) {
    conn.error('not_member', id, `Join "${room}" before sending to it`);
    return;
  }
  const reply = frame.reply === undefined ? {} : { reply: frame.reply };
  commitAndAck(conn, { room, sender: user, cid: id, kind, body, file: toFileRef(stored), ...reply });
}
