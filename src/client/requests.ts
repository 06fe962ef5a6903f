/**
 * Request correlation: every request frame carries an id and gets exactly one answer with it.
 * Requests wait for a connection (and for their room's join), carry a deadline once written,
 * and on a drop are sent again, rejected or forgotten as each one asked.
 */
import type { ClientFrame, ServerFrame, ServerFrameOf, ServerFrameType } from '../protocol/index.ts';
import { CLOSE } from '../protocol/codes.ts';
import { Deadlines } from './deadlines.ts';
import { ClientError, closedError } from './errors.ts';
import type { Link } from './link.ts';

/** Frames that carry a request id and get exactly one answer with it (`profile`'s id is optional on the wire). */
export type RequestFrame = { readonly id: string } & Extract<
  ClientFrame,
  {
    type:
      | 'create'
      | 'rooms'
      | 'join'
      | 'leave'
      | 'history'
      | 'invite'
      | 'kick'
      | 'ban'
      | 'unban'
      | 'role'
      | 'search'
      | 'sync'
      | 'unread'
      | 'who'
      | 'dm'
      | 'rename'
      | 'topic'
      | 'members'
      | 'block'
      | 'unblock'
      | 'blocks'
      | 'profile';
  }
>;

export interface PendingRequest {
  readonly frame: RequestFrame;
  readonly expect: ServerFrameType;
  /** Hold the request until this room's join has completed on the current connection. */
  readonly room: string | undefined;
  /** When the connection drops: send again after reconnect (idempotent), reject, or drop silently. */
  readonly onDrop: 'retry' | 'reject' | 'forget';
  /** When no answer comes in time: reject it, or treat the connection as unusable. */
  readonly onTimeout: 'reject' | 'reconnect';
  readonly resolve: (frame: ServerFrame) => void;
  readonly reject: (error: ClientError) => void;
}

export interface RequestOptions {
  room?: string;
  onDrop: PendingRequest['onDrop'];
  onTimeout?: PendingRequest['onTimeout'];
  /** Wait for a connection (true) or fail at once with `disconnected` (false). */
  queue?: boolean;
}

export class Requests {
  readonly #link: Link;
  /** Whether a frame for `room` may go out now (its join, if we track the room, is done). */
  readonly #gateOpen: (room: string | undefined) => boolean;
  /** Requests written to the current connection, by id. */
  readonly #inflight = new Map<string, PendingRequest>();
  /** Requests waiting for a connection (or for their room's join), oldest first. */
  #waiting: PendingRequest[] = [];
  readonly #deadlines: Deadlines;

  constructor(link: Link, gateOpen: (room: string | undefined) => boolean, timeoutMs: number) {
    this.#link = link;
    this.#gateOpen = gateOpen;
    this.#deadlines = new Deadlines(timeoutMs, (id) => this.#onDeadline(id));
  }

  request<T extends ServerFrameType>(frame: RequestFrame, expect: T, opts: RequestOptions): Promise<ServerFrameOf<T>> {
    if (this.#link.state === 'closed') return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const pending: PendingRequest = {
        frame,
        expect,
        room: opts.room,
        onDrop: opts.onDrop,
        onTimeout: opts.onTimeout ?? 'reject',
        // Safe: answer() only resolves with a frame whose type is `expect`.
        resolve: resolve as (frame: ServerFrame) => void,
        reject,
      };
      if (this.#link.connected() && this.#gateOpen(opts.room)) this.dispatch(pending);
      else if (opts.queue ?? true) this.#waiting.push(pending);
      else reject(new ClientError('disconnected', 'Not connected', true, frame.id));
    });
  }

  /** Write a request to the current connection now, past any gate. */
  dispatch(p: PendingRequest): void {
    this.#inflight.set(p.frame.id, p);
    this.#link.send(p.frame);
    this.#deadlines.start(p.frame.id);
  }

  /** Settle request `id` with its answer; false when no request waits for it. */
  answer(id: string, frame: ServerFrame): boolean {
    const pending = this.#inflight.get(id);
    if (!pending) return false;
    this.#inflight.delete(id);
    this.#deadlines.clear(id);
    if (frame.type === pending.expect) pending.resolve(frame);
    else {
      pending.reject(new ClientError('bad_response', `Expected ${pending.expect}, got ${frame.type}`, false, id));
    }
    return true;
  }

  /** Reject request `id` with the server's error; false when no request waits for it. */
  reject(id: string, error: ClientError): boolean {
    const pending = this.#inflight.get(id);
    if (!pending) return false;
    this.#inflight.delete(id);
    this.#deadlines.clear(id);
    pending.reject(error);
    return true;
  }

  /** Write every waiting request whose room is ready, keeping the order of the rest. */
  flush(): void {
    const held: PendingRequest[] = [];
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const p of waiting) {
      if (this.#link.connected() && this.#gateOpen(p.room)) this.dispatch(p);
      else held.push(p);
    }
    this.#waiting = [...held, ...this.#waiting];
  }

  /** The connection dropped: idempotent requests wait to go again, the others reject or vanish. */
  dropped(): void {
    this.#deadlines.clearAll();
    const inflight = [...this.#inflight.values()];
    this.#inflight.clear();
    // Idempotent requests go back to the front of the queue: they were made before the waiting ones.
    this.#waiting = [...inflight.filter((p) => p.onDrop === 'retry'), ...this.#waiting];
    for (const p of inflight) {
      if (p.onDrop === 'reject') {
        p.reject(new ClientError('disconnected', 'The connection dropped before the answer came', true, p.frame.id));
      }
    }
  }

  stop(): void {
    this.#deadlines.clearAll();
  }

  /** Closed for good: every request that someone waits on rejects with `error`. */
  close(error: ClientError): void {
    const pending = [...this.#inflight.values(), ...this.#waiting];
    this.#inflight.clear();
    this.#waiting = [];
    for (const p of pending) if (p.onDrop !== 'forget') p.reject(error);
  }

  #onDeadline(id: string): void {
    const pending = this.#inflight.get(id);
    if (!pending) return;
    if (pending.onTimeout === 'reject') {
      this.#inflight.delete(id);
      pending.reject(new ClientError('timeout', `No answer to ${pending.frame.type} in time`, true, id));
      return;
    }
    // An unanswered join: the connection is not working, and reconnecting re-joins anyway.
    this.#link.abort(CLOSE.heartbeat_timeout, 'request timed out');
  }
}
