/**
 * Writes (send, edit, delete, react) through the outbox: stored before the first write, written
 * once the room is joined on the current connection and the server's write limit allows, resent
 * with the same id after a drop or a retryable error, and settled by the ack or a final error.
 * Every change is told to the app as an `outbox` event.
 */
import type { AckFrame, WelcomeFrame } from '../protocol/index.ts';
import { CLOSE } from '../protocol/codes.ts';
import { TokenBucket } from '../protocol/token-bucket.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { Deadlines } from './deadlines.ts';
import { ClientError, closedError } from './errors.ts';
import type { Emitter } from './events.ts';
import type { Link } from './link.ts';
import { Outbox, toPending, toStored, type OutboxEntry } from './outbox.ts';
import { OutboxPersistence } from './outbox-persistence.ts';
import type { OutboxFrame, OutboxStore, StoredOutboxEntry } from './outbox-store.ts';
import type { ClientEvents, PendingEntry, SendResult } from './types.ts';

type Timer = ReturnType<typeof setTimeout>;

export interface WriterOptions {
  readonly link: Link;
  readonly emitter: Emitter<ClientEvents>;
  /** Without one, nothing is loaded or kept beyond this client. */
  readonly store: OutboxStore | undefined;
  /** ClientOptions.userId: the user writes made before the first welcome are stamped with. */
  readonly userId: string | undefined;
  readonly backoff: BackoffOptions;
  readonly timeoutMs: number;
  /** Whether a frame for `room` may go out (its join, if we track the room, is done). */
  gateOpen(room: string): boolean;
  /** Whether `room` has joined on the current connection. */
  joinedHere(room: string): boolean;
  /** Write everything that may go now, requests included, in order. */
  flush(): void;
}

export class Writer {
  readonly #o: WriterOptions;
  readonly #link: Link;
  readonly #emitter: Emitter<ClientEvents>;
  readonly #outbox = new Outbox();
  readonly #persistence: OutboxPersistence | undefined;
  /** Stored entries are loaded: until then nothing from the outbox is written (they go first). */
  #ready: boolean;
  readonly #deadlines: Deadlines;
  /** Delayed resends after retryable send errors. */
  readonly #resendTimers = new Set<Timer>();
  /** Paces writes to the server's write limit (from welcome.limits); none when it sent no limit. */
  #pacer: TokenBucket | undefined;
  /** Set while writes wait for the pacer: a flush runs when it fires. */
  #paceTimer: Timer | undefined;

  constructor(options: WriterOptions) {
    this.#o = options;
    this.#link = options.link;
    this.#emitter = options.emitter;
    this.#deadlines = new Deadlines(options.timeoutMs, (id) => {
      // An unanswered send: the connection is not working. Reconnecting resends it (same id),
      // which keeps exactly-once; rejecting would invite duplicates.
      if (this.#outbox.get(id)) this.#link.abort(CLOSE.heartbeat_timeout, 'request timed out');
    });
    // The default store would be a fresh MemoryOutboxStore: empty, and gone with this object,
    // so skipping it keeps sends written in the same tick, exactly as without persistence.
    this.#ready = options.store === undefined;
    if (options.store) {
      const persistence = new OutboxPersistence(options.store, (e) => this.#emitter.emit('error', e));
      this.#persistence = persistence;
      persistence.load((stored) => this.#restore(stored));
    }
  }

  /** Every write takes this path: outbox, then storage, then the socket once the room is joined. */
  enqueue(frame: OutboxFrame): Promise<SendResult> {
    if (this.#link.state === 'closed') return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const entry: OutboxEntry = {
        id: frame.id,
        room: frame.room,
        frame,
        createdAt: Date.now(),
        restored: false,
        user: this.#link.user?.id ?? this.#o.userId,
        settle: { resolve, reject },
        persisted: this.#persistence === undefined,
        sentOn: undefined,
        failures: 0,
        paused: false,
      };
      this.#outbox.add(entry);
      this.#emitter.emit('outbox', { change: 'added', entry: toPending(entry) });
      if (!this.#persistence) {
        if (this.#canWrite(entry) && this.#paced()) this.#write(entry);
        return;
      }
      // Stored before the first write: a reload after the write can still resend it.
      this.#persistence.save(toStored(entry), () => {
        entry.persisted = true;
        if (this.#outbox.get(entry.id) === entry && this.#canWrite(entry) && this.#paced()) this.#write(entry);
      });
    });
  }

  pending(): PendingEntry[] {
    return this.#outbox.all().map((e) => toPending(e));
  }

  discard(id: string): boolean {
    const entry = this.#outbox.take(id);
    if (!entry) return false;
    this.#deadlines.clear(id);
    this.#persistence?.forget(id);
    entry.settle?.reject(
      new ClientError('discarded', 'The message was discarded before it was acknowledged', false, id),
    );
    this.#emitter.emit('outbox', { change: 'discarded', entry: toPending(entry) });
    return true;
  }

  /** The server's write limit from welcome. */
  welcoming(limits: WelcomeFrame['limits']): void {
    const { writesPerSec, writesBurst } = limits;
    // Pace under the limit, not at it: network and event-loop jitter bunch frames together on
    // the way, and the server's bucket loses the refill it could not hold while full.
    this.#pacer =
      writesPerSec !== undefined && writesBurst !== undefined
        ? new TokenBucket(writesPerSec * 0.9, Math.max(1, writesBurst - 2))
        : undefined;
  }

  /** Welcomed as `userId`: check who the entries were written as (once the stored ones are in). */
  welcomed(userId: string): void {
    if (this.#ready) this.#checkOwners(userId);
  }

  /** Write every unsent entry that may go now, in order, as far as the pacer allows. */
  flush(): void {
    for (const entry of this.#outbox.unsent(this.#link.conn)) {
      if (!this.#canWrite(entry)) continue;
      // Out of tokens: stop here (keeping the order) until the pacer's flush.
      if (!this.#paced()) break;
      this.#write(entry);
    }
  }

  /** The ack of a write. */
  acked(frame: AckFrame): void {
    const entry = this.#outbox.take(frame.id);
    if (!entry) return; // an ack for a write that already failed or was settled
    this.#deadlines.clear(frame.id);
    this.#persistence?.forget(entry.id);
    const result: SendResult = {
      id: frame.id,
      room: frame.room,
      seq: frame.seq,
      ts: frame.ts,
      duplicate: frame.duplicate,
    };
    entry.settle?.resolve(result);
    this.#emitter.emit('outbox', { change: 'acked', entry: toPending(entry), result });
  }

  /** The server refused write `id`; false when it is not one of ours. */
  refused(id: string, error: ClientError, retryAfterMs: number | undefined): boolean {
    const entry = this.#outbox.get(id);
    if (!entry) return false;
    this.#deadlines.clear(id);
    if (error.retryable) this.#resendLater(entry, retryAfterMs);
    else this.#fail(entry, error);
    return true;
  }

  /** The room is gone (left, kicked, join refused): its writes fail with `error`. */
  failRoom(room: string, error: ClientError): void {
    for (const entry of this.#outbox.drain(room)) this.#fail(entry, error);
  }

  /** Unacknowledged writes stay: they go again, same id, after the room's re-join. */
  dropped(): void {
    this.#deadlines.clearAll();
  }

  stop(): void {
    this.#deadlines.clearAll();
    for (const timer of this.#resendTimers) clearTimeout(timer);
    this.#resendTimers.clear();
    clearTimeout(this.#paceTimer);
    this.#paceTimer = undefined;
  }

  close(error: ClientError): void {
    // Not a failure of the entries: they stay in the OutboxStore and a later client resends them.
    for (const entry of this.#outbox.drain()) entry.settle?.reject(error);
  }

  /**
   * Entries an earlier client stored: they go before this client's own, each to its room once
   * that room is joined on the current connection. A room the app never joins again keeps its
   * entries waiting (listed by pending(), kept in storage) until a join or discard().
   */
  #restore(stored: StoredOutboxEntry[]): void {
    if (this.#link.final) return; // closed before they loaded: they stay stored for the next client
    const entries = stored.map((s): OutboxEntry => ({
      id: s.frame.id,
      room: s.frame.room,
      frame: s.frame,
      createdAt: s.createdAt,
      restored: true,
      user: s.user ?? this.#o.userId,
      persisted: true,
      sentOn: undefined,
      failures: 0,
      paused: false,
    }));
    for (const entry of this.#outbox.prepend(entries)) {
      this.#emitter.emit('outbox', { change: 'added', entry: toPending(entry) });
    }
    this.#ready = true;
    // Already welcomed on this connection: check them now; otherwise the next welcome does.
    const user = this.#link.user;
    if (this.#link.connected() && user) this.#checkOwners(user.id);
    this.#o.flush();
  }

  /**
   * Never write as someone else: entries made as another user (the session was lost and the
   * server made a new guest) fail with user_changed; unstamped ones are bound to this user.
   */
  #checkOwners(userId: string): void {
    for (const entry of this.#outbox.all()) {
      if (entry.user === undefined) {
        entry.user = userId;
        this.#persistence?.save(toStored(entry));
      } else if (entry.user !== userId) {
        const message = 'Not sent: it was written by a user this session no longer is (the session was lost)';
        this.#fail(entry, new ClientError('user_changed', message, false, entry.id));
      }
    }
  }

  /** A terminal failure: out of the outbox and storage, the caller told. */
  #fail(entry: OutboxEntry, error: ClientError): void {
    this.#outbox.take(entry.id);
    this.#deadlines.clear(entry.id);
    this.#persistence?.forget(entry.id);
    entry.settle?.reject(error);
    this.#emitter.emit('outbox', { change: 'failed', entry: toPending(entry, error), error });
  }

  /** Whether an entry may be written to the current connection now. */
  #canWrite(entry: OutboxEntry): boolean {
    if (!this.#ready || !entry.persisted || entry.paused || !this.#link.connected()) return false;
    // Only ever as the user it was made as (bound at the welcome).
    if (entry.user !== this.#link.user?.id) return false;
    // Restored entries wait for a join of their room on this connection: the server refuses
    // writes to rooms not joined on the connection, and this life's app has not asked yet.
    if (entry.restored) return this.#o.joinedHere(entry.room);
    return this.#o.gateOpen(entry.room);
  }

  /** Whether a write may go now under the server's write limit; if not, a flush is scheduled. */
  #paced(): boolean {
    if (this.#paceTimer !== undefined) return false;
    const wait = this.#pacer?.take() ?? 0;
    if (wait === 0) return true;
    this.#paceTimer = setTimeout(() => {
      this.#paceTimer = undefined;
      this.#o.flush();
    }, wait);
    return false;
  }

  #write(entry: OutboxEntry): void {
    entry.sentOn = this.#link.conn;
    // The same frame, so the same id, on every resend: the server answers a repeat with the original seq.
    this.#link.send(entry.frame);
    this.#deadlines.start(entry.id);
  }

  /** A retryable error for a write: try again on this connection after a backoff pause (at least `retryAfterMs`). */
  #resendLater(entry: OutboxEntry, retryAfterMs = 0): void {
    entry.sentOn = undefined;
    entry.paused = true;
    const timer = setTimeout(
      () => {
        this.#resendTimers.delete(timer);
        entry.paused = false;
        this.#o.flush();
      },
      // A rate_limited answer says how long to wait; never resend sooner.
      Math.max(retryAfterMs, backoffDelay(entry.failures++, this.#o.backoff)),
    );
    this.#resendTimers.add(timer);
  }
}
