/** hello: become a user. A known session token keeps the same user id (and so idempotent resends). */
import { nanoid } from 'nanoid';
import { CLOSE, PROPOSED_SESSION, PROTOCOL_VERSION, type ClientFrameOf, type UserRef } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { withName } from '../core/name-book.ts';

export async function hello(conn: ConnectionPort, frame: ClientFrameOf<'hello'>): Promise<void> {
  const { store, presence, options } = conn.ctx;
  if (conn.user) {
    conn.error('already_hello');
    return;
  }
  const known = frame.session === undefined ? undefined : await store.findSession(frame.session);
  // With an access token (checked at the upgrade) the user is the account; hello's nick is ignored.
  const claimed = conn.account?.user;
  // The account's display name as stored now (later changes reach this connection: name-book.ts).
  const account = claimed && withName(claimed, (await store.getAccount(claimed.id))?.displayName);
  // A session keeps its nickname; asking for another one starts a new guest identity.
  const resumed = account
    ? known?.id === account.id
      ? known
      : undefined
    : known && known.nick.toLowerCase() === frame.nick.toLowerCase() && !(await store.getAccount(known.id))
      ? known
      : undefined; // A guest session that became an account (auth/accounts.ts register) no longer resumes.
  // A guest is marked (`guest`) wherever its UserRef goes: its nickname is not a handle. A plain
  // literal, not a spread: V8 gives each spread-then-extended object a hidden class of its own,
  // and this one lives as long as the connection.
  const fresh = !account && !resumed;
  const user: UserRef = account ?? guestRef(resumed?.id ?? nanoid(), resumed?.nick ?? frame.nick);
  // A registered username belongs to its account: a guest may not take it.
  if (!account && (await store.findAccount(frame.nick))) {
    conn.error('nick_taken', undefined, `"${frame.nick}" is a registered username; sign in to use it`);
    conn.close(CLOSE.rejected, 'nick_taken');
    return;
  }
  // Before anything is sent or held: an over-cap connection gets no welcome (claim is atomic).
  if (!conn.claimUserSlot(user.id)) {
    const max = options.maxConnectionsPerUser;
    conn.error('too_many_connections', undefined, `At most ${max} connections per user; close one first`);
    conn.close(CLOSE.too_many_connections, 'too_many_connections');
    return;
  }
  // Only guests claim nicknames: an account's username is unique in the store, and so never
  // refused because a guest held it when the account was registered (the guest keeps it until it
  // leaves, marked as a guest; its next hello is refused).
  if (user.guest && !(await presence.connect(user))) {
    conn.error('nick_taken', undefined, `The nickname "${user.nick}" is in use by someone else`);
    conn.close(CLOSE.rejected, 'nick_taken');
    return;
  }
  if (conn.closing) {
    if (user.guest) await presence.disconnect(user);
    return;
  }
  // Whom the user blocks, for the signals this node sends on their behalf (core/block-book.ts).
  // A guest id made just now is in no block yet: nothing to read.
  if (fresh) conn.ctx.blocks.fresh(user.id);
  else await conn.ctx.blocks.load(user.id);
  // An unknown, random-looking token is adopted: the client's retry after a lost welcome is then
  // the same session (and so may hold the nickname its first, half-open connection still holds).
  const proposed = !known && frame.session !== undefined && PROPOSED_SESSION.test(frame.session);
  conn.user = user;
  if (resumed && frame.session !== undefined) {
    welcome(conn, frame.session);
    return;
  }
  // A new session is durable before the welcome. The frames behind the hello do not wait for it
  // here: a join sent with the hello writes in the same group commit, and answers only once the
  // welcome is out (`welcomed`; gateway/connection.ts holds every other frame until then).
  const written = store.createSession(user, proposed ? frame.session : undefined).then(
    (session) => {
      welcome(conn, session);
      return true;
    },
    (err: unknown) => {
      conn.ctx.log.error({ err, conn: conn.id }, 'session write failed');
      conn.error('internal', undefined, 'The session could not be stored; reconnect');
      conn.close(CLOSE.server_error, 'internal error; reconnect');
      return false;
    },
  );
  conn.welcomed = written;
  // Dropped once the welcome is out; after a failure it stays, so nothing later answers.
  void written.then((ok) => {
    if (ok && conn.welcomed === written) conn.welcomed = undefined;
  });
  // A graceful shutdown lets the welcome go out first.
  conn.track(written.then(() => undefined));
}

/** The user is in: counted for status, told its session and the server's limits. */
function welcome(conn: ConnectionPort, session: string): void {
  const { options } = conn.ctx;
  const user = conn.user as UserRef;
  conn.ctx.statuses.connected(conn);
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
      // The tighter of the per-connection and per-user write limits (rate-limit.ts).
      writesPerSec: Math.min(options.connWritesPerSec, options.userWritesPerSec),
      writesBurst: Math.min(options.connWritesBurst, options.userWritesBurst),
      maxUploadBytes: options.maxUploadBytes,
    },
  });
}

function guestRef(id: string, nick: string): UserRef {
  return { id, nick, guest: true };
}
