/** hello: become a user. A known session token keeps the same user id (and so idempotent resends). */
import { nanoid } from 'nanoid';
import { CLOSE, PROPOSED_SESSION, PROTOCOL_VERSION, type ClientFrameOf, type UserRef } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';

export async function hello(conn: Connection, frame: ClientFrameOf<'hello'>): Promise<void> {
  const { store, presence, options } = conn.ctx;
  if (conn.user) {
    conn.error('already_hello');
    return;
  }
  const known = frame.session === undefined ? undefined : await store.findSession(frame.session);
  // A session keeps its nickname; asking for another one starts a new guest identity.
  const resumed = known && known.nick.toLowerCase() === frame.nick.toLowerCase() ? known : undefined;
  const user: UserRef = resumed ?? { id: nanoid(), nick: frame.nick };
  if (!(await presence.connect(user))) {
    conn.error('nick_taken', undefined, `The nickname "${frame.nick}" is in use by someone else`);
    conn.close(CLOSE.rejected, 'nick_taken');
    return;
  }
  if (conn.closing) {
    await presence.disconnect(user);
    return;
  }
  // An unknown, random-looking token is adopted: the client's retry after a lost welcome is then
  // the same session (and so may hold the nickname its first, half-open connection still holds).
  const proposed = !known && frame.session !== undefined && PROPOSED_SESSION.test(frame.session);
  const session =
    resumed && frame.session !== undefined
      ? frame.session
      : await store.createSession(user, proposed ? frame.session : undefined);
  conn.user = user;
  conn.send({
    type: 'welcome',
    v: PROTOCOL_VERSION,
    session,
    user,
    heartbeatMs: options.heartbeatMs,
    limits: {
      maxBodyChars: options.maxBodyChars,
      maxFrameBytes: options.maxFrameBytes,
      historyMaxLimit: 200,
    },
  });
}
