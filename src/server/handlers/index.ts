/** Routes each decoded client frame to its handler (one file per command). */
import type { ClientFrame, ClientFrameOf, ClientFrameType } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { block, blocks, unblock } from './block.ts';
import { create } from './create.ts';
import { dm } from './dm.ts';
import { members } from './members.ts';
import { rename, topic } from './room-meta.ts';
import { hello } from './hello.ts';
import { history } from './history.ts';
import { join } from './join.ts';
import { leave } from './leave.ts';
import { ban, invite, kick, role, unban } from './moderate.ts';
import { edit, react, remove } from './mutate.ts';
import { ping } from './ping.ts';
import { profile } from './profile.ts';
import { online } from './online.ts';
import { read } from './read.ts';
import { rooms } from './rooms.ts';
import { search } from './search.ts';
import { send } from './send.ts';
import { status } from './status.ts';
import { sync } from './sync.ts';
import { typing } from './typing.ts';
import { unread } from './unread.ts';
import { who } from './who.ts';

export type Handler<T extends ClientFrameType> = (
  conn: ConnectionPort,
  frame: ClientFrameOf<T>,
) => Promise<void> | void;

const HANDLERS: { [T in ClientFrameType]: Handler<T> } = {
  hello,
  create,
  rooms,
  join,
  leave,
  send,
  edit,
  delete: remove,
  react,
  history,
  invite,
  kick,
  ban,
  unban,
  role,
  typing,
  status,
  who,
  online,
  read,
  sync,
  unread,
  ping,
  search,
  dm,
  rename,
  topic,
  members,
  block,
  unblock,
  blocks,
  profile,
};

/** Frames a connection may send before its hello is accepted. */
const BEFORE_HELLO = new Set<ClientFrameType>(['hello', 'ping']);

export function dispatch(conn: ConnectionPort, frame: ClientFrame): Promise<void> | void {
  if (!conn.user && !BEFORE_HELLO.has(frame.type)) {
    conn.error('not_ready', 'id' in frame ? frame.id : undefined);
    return;
  }
  const handler = HANDLERS[frame.type] as Handler<typeof frame.type>;
  return handler(conn, frame);
}
