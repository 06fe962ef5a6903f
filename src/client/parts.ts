/**
 * Builds a client's parts and wires them to each other: what each hears when a connection is
 * welcomed, dropped or closed, and where inbound frames go. The parts refer to each other only
 * through the callbacks made here, so none of them imports another's class.
 */
import type { UserRef } from '../protocol/index.ts';
import { LIMITS, TYPING_TTL_MS } from '../protocol/limits.ts';
import { backoffOptions } from './backoff.ts';
import { Connection } from './connection.ts';
import { Credentials } from './credentials.ts';
import { ClientError } from './errors.ts';
import { Emitter } from './events.ts';
import { Files } from './files.ts';
import { newId } from './ids.ts';
import { ReadState } from './read-state.ts';
import { Requests } from './requests.ts';
import { route, routesTo, type Routes } from './router.ts';
import { StatusBook } from './statuses.ts';
import { Subscriptions } from './subscription.ts';
import type { WebSocketConstructor } from './transport.ts';
import { RoomPresenceBook } from './room-presence.ts';
import { Typing } from './typing.ts';
import type { ClientEvents, ClientOptions } from './types.ts';
import { httpBase } from './upload.ts';
import { Writer } from './writer.ts';

const DEFAULT_HEARTBEAT_SLACK_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

export interface Parts {
  readonly emitter: Emitter<ClientEvents>;
  /** The state machine; the only place the state changes. */
  readonly connection: Connection;
  readonly requests: Requests;
  /** The outbox. */
  readonly writer: Writer;
  readonly subs: Subscriptions;
  readonly files: Files;
  /** The user log, read watermarks, unread counts and receipts. */
  readonly read: ReadState;
  /** Presence: known user statuses and this client's activity. */
  readonly statuses: StatusBook;
  readonly typing: Typing;
  /** Who is online in each joined room (room-presence.ts). */
  readonly roomPresence: RoomPresenceBook;
}

export function wireParts(options: ClientOptions): Parts {
  const emitter = new Emitter<ClientEvents>();
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Ctor) {
    throw new ClientError('no_websocket', 'No WebSocket implementation: pass options.WebSocket', false);
  }
  const backoff = backoffOptions(options.backoff);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const credentials = new Credentials(options.token, options.refresh);
  const link = new Connection({
    url: options.url,
    nick: options.nick,
    session: options.session,
    WebSocket: Ctor,
    backoff,
    heartbeatSlackMs: options.heartbeatSlackMs ?? DEFAULT_HEARTBEAT_SLACK_MS,
    timeoutMs,
    credentials,
    emitter,
    hooks: {
      frame: (frame) => route(frame, routes),
      welcoming: (frame) => {
        files.maxUploadBytes = frame.limits.maxUploadBytes;
        writer.welcoming(frame.limits);
      },
      welcomed: (user, conn) => welcomed(user, conn),
      dropped: () => dropped(),
      stopping: () => stopping(),
      closed: (error) => {
        requests.close(error);
        subs.close(error);
        writer.close(error);
      },
    },
  });
  const send = (frame: Parameters<typeof link.send>[0]): boolean => link.connected() && (link.send(frame), true);
  const requests: Requests = new Requests(link, (room) => subs.gateOpen(room), timeoutMs);
  const statuses = new StatusBook({
    emit: (users) => emitter.emit('status', { users }),
    send: (state) => send({ type: 'status', state }),
    who: (users) => requests.request({ type: 'who', id: newId(), users }, 'status', { onDrop: 'retry' }),
  });
  const read = new ReadState(
    {
      emit: (event, payload) => emitter.emit(event, payload),
      send,
      sync: (after) =>
        requests.request({ type: 'sync', id: newId(), ...(after === undefined ? {} : { after }) }, 'synced', {
          onDrop: 'forget',
          queue: false,
        }),
      unread: (room) => requests.request({ type: 'unread', id: newId(), room }, 'unread', { onDrop: 'reject' }),
      me: () => link.user,
    },
    options.userSeq,
  );
  const typing = new Typing(
    TYPING_TTL_MS,
    (room, users) => emitter.emit('typing', { room, users }),
    (room, on) => link.send({ type: 'typing', room, on }),
  );
  const roomPresence = new RoomPresenceBook({
    emit: (room, online, count) => emitter.emit('presence', { room, online, count }),
    ask: (room) => send({ type: 'online', room }),
  });
  const subs: Subscriptions = new Subscriptions({
    link,
    emitter,
    requests,
    read,
    backoff,
    forgotten: (room) => {
      typing.clear(room);
      roomPresence.forget(room);
    },
    failWrites: (room, error) => writer.failRoom(room, error),
    flush: () => flush(),
  });
  const base = options.httpUrl?.replace(/\/$/, '') ?? httpBase(options.url);
  const files = new Files({ base, authorization: () => credentials.authorization(link.user, link.session) });
  // Last: it may start loading stored writes (they arrive asynchronously).
  const writer = new Writer({
    link,
    emitter,
    store: options.outbox,
    userId: options.userId,
    backoff,
    timeoutMs,
    gateOpen: (room) => subs.gateOpen(room),
    joinedHere: (room) => subs.joinedHere(room),
    flush: () => flush(),
  });
  const routes: Routes = routesTo({
    connection: link,
    subscriptions: subs,
    requests,
    writer,
    read,
    typists: typing,
    roomPresence,
    statuses,
    emitter,
  });

  /** Write every waiting request and unsent send whose room is ready, in their original order. */
  const flush = (): void => {
    if (!link.connected()) return;
    requests.flush();
    writer.flush();
  };
  const welcomed = (user: UserRef, conn: number): void => {
    writer.welcomed(user.id);
    if (!link.isCurrent(conn)) return;
    // The user log first: it is what tells about rooms joined or left elsewhere meanwhile.
    read.connected();
    statuses.connected(LIMITS.whoMax);
    // Re-join every room (sends follow each join), then release waiting requests.
    subs.resume();
    flush();
  };
  const dropped = (): void => {
    // Typing is ephemeral: with the link gone nobody's signal is current.
    typing.clear();
    roomPresence.dropped();
    read.disconnected();
    writer.dropped();
    subs.dropped();
    requests.dropped();
  };
  const stopping = (): void => {
    typing.clear();
    read.close();
    requests.stop();
    writer.stop();
  };
  return { emitter, connection: link, requests, writer, subs, files, read, statuses, typing, roomPresence };
}
