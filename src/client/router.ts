/**
 * Inbound frames to the part that owns them: answers by request id, acks and write errors to
 * the outbox, room events to their subscription, signals to their books. Only routing here.
 */
import type {
  AckFrame,
  ErrorFrame,
  EventFrame,
  PresenceFrame,
  ReceiptsFrame,
  RemovedFrame,
  ServerFrame,
  StatusFrame,
  TypingFrame,
  BlocksFrame,
  ProfileFrame,
  UserEventFrame,
  WelcomeFrame,
} from '../protocol/index.ts';
import { ClientError } from './errors.ts';
import type { Emitter } from './events.ts';
import type { ClientEvents } from './types.ts';

export interface Routes {
  welcome(frame: WelcomeFrame): void;
  event(frame: EventFrame): void;
  removed(frame: RemovedFrame): void;
  presence(frame: PresenceFrame): void;
  typing(frame: TypingFrame): void;
  /** Live status changes (an answer to `who` carries an id and goes to answer()). */
  status(frame: StatusFrame): void;
  user(frame: UserEventFrame): void;
  receipts(frame: ReceiptsFrame): void;
  /** Whom you block: an answer (after it is handed to its request) or a change from another tab. */
  blocks(frame: BlocksFrame): void;
  /** A display name changed: yours (an answer, or from another tab) or someone's you share a room with. */
  profile(frame: ProfileFrame): void;
  /** The answer to request `id`; false when no request waits for it. */
  answer(id: string, frame: ServerFrame): boolean;
  /** The server refused request `id`; false when no request waits for it. */
  reject(id: string, error: ClientError): boolean;
  /** A write was acknowledged. */
  acked(frame: AckFrame): void;
  /** The server refused write `id`; false when it is not an outbox entry. */
  writeRefused(id: string, error: ClientError, retryAfterMs: number | undefined): boolean;
  /** A refused `read` (e.g. the room was left meanwhile): nothing for the app to do. */
  readRefused(frame: ErrorFrame): boolean;
  /** An error that answers nothing we hold. */
  error(error: ClientError): void;
}

/** The parts routes lead to, as the router sees them. */
export interface RouteTargets {
  readonly connection: {
    welcome(frame: WelcomeFrame): void;
    refused(error: ClientError): void;
    renamed(user: ProfileFrame['user']): void;
  };
  readonly subscriptions: { event(frame: EventFrame): void; removed(frame: RemovedFrame): void };
  readonly requests: Pick<Routes, 'answer' | 'reject'>;
  readonly writer: {
    acked(frame: AckFrame): void;
    refused(id: string, error: ClientError, retryAfterMs: number | undefined): boolean;
  };
  readonly read: {
    userEvent(frame: UserEventFrame): void;
    receiptsFrame(frame: ReceiptsFrame): void;
    refused(frame: ErrorFrame): boolean;
  };
  readonly typists: { update(room: string, user: TypingFrame['user'], on: boolean): void };
  readonly roomPresence: { apply(frame: PresenceFrame): void };
  readonly statuses: { apply(frame: StatusFrame): void };
  readonly emitter: Emitter<ClientEvents>;
}

/** The routes of one client. */
export function routesTo(t: RouteTargets): Routes {
  return {
    welcome: (frame) => t.connection.welcome(frame),
    event: (frame) => t.subscriptions.event(frame),
    removed: (frame) => t.subscriptions.removed(frame),
    presence: (frame) => t.roomPresence.apply(frame),
    typing: (frame) => t.typists.update(frame.room, frame.user, frame.on),
    status: (frame) => t.statuses.apply(frame),
    user: (frame) => t.read.userEvent(frame),
    receipts: (frame) => t.read.receiptsFrame(frame),
    blocks: (frame) => t.emitter.emit('blocks', { users: frame.users }),
    profile: (frame) => {
      t.connection.renamed(frame.user);
      t.emitter.emit('profile', { user: frame.user });
    },
    answer: (id, frame) => t.requests.answer(id, frame),
    reject: (id, error) => t.requests.reject(id, error),
    acked: (frame) => t.writer.acked(frame),
    writeRefused: (id, error, retryAfterMs) => t.writer.refused(id, error, retryAfterMs),
    readRefused: (frame) => t.read.refused(frame),
    error: (error) => {
      t.emitter.emit('error', error);
      t.connection.refused(error);
    },
  };
}

export function route(frame: ServerFrame, to: Routes): void {
  switch (frame.type) {
    case 'welcome':
      return to.welcome(frame);
    case 'event':
      return to.event(frame);
    case 'ack':
      // Moderation requests are answered with an ack too.
      if (!to.answer(frame.id, frame)) to.acked(frame);
      return;
    case 'error':
      return routeError(frame, to);
    case 'presence':
      return to.presence(frame);
    case 'typing':
      return to.typing(frame);
    case 'status':
      if (frame.id !== undefined) to.answer(frame.id, frame);
      else to.status(frame);
      return;
    case 'removed':
      return to.removed(frame);
    case 'user':
      return to.user(frame);
    case 'receipts':
      return to.receipts(frame);
    case 'blocks':
      if (frame.id !== undefined) to.answer(frame.id, frame);
      return to.blocks(frame);
    case 'profile':
      if (frame.id !== undefined) to.answer(frame.id, frame);
      return to.profile(frame);
    case 'pong':
      return; // heartbeat pings carry no id; any inbound frame already counted as a sign of life
    case 'room':
    case 'rooms':
    case 'joined':
    case 'left':
    case 'history':
    case 'results':
    case 'synced':
    case 'unread':
    case 'members':
      to.answer(frame.id, frame);
      return;
    default:
      // A frame type this SDK does not know yet (a newer server): ignore it.
      return;
  }
}

function routeError(frame: ErrorFrame, to: Routes): void {
  const error = new ClientError(frame.code, frame.message, frame.retryable, frame.id);
  if (to.readRefused(frame)) return;
  if (frame.id !== undefined) {
    if (to.reject(frame.id, error) || to.writeRefused(frame.id, error, frame.retryAfterMs)) return;
  }
  to.error(error);
}
